// Burrow's native download path (electron/engine/receive-path.ts says why and how it is used).
//
// A Receiver owns a duplicate of an SSH connection's socket descriptor after the login. It reads
// the socket, decrypts each aes128/256-gcm@openssh.com packet, and writes the data of channels
// registered as sinks straight to their local sockets, in one sendmsg per sink per read. Every
// other packet goes to JavaScript, in order, as a decrypted payload for ssh2's handlers. So bulk
// downloads cross into JavaScript only for window bookkeeping, about once per 256 KiB, instead
// of once per read and per packet.
//
// A sink writes to the descriptor of the Node socket itself (a duplicate each would double the
// open files of 10,000 connections) and never waits on it: what a full socket does not take goes
// back to JavaScript as a CHANNEL_DATA payload, Node's write queue carries it, and the sink is
// held until JavaScript says that queue is empty (releaseSink). JavaScript removes a sink before
// Node closes its descriptor.
//
// The JavaScript side keeps the protocol: it answers, sends window adjustments and owns every
// other state. This side stops at SSH_MSG_NEWKEYS and hands the bytes after it back, since they
// use keys only ssh2 knows; after a rekey JavaScript starts a new Receiver.
//
// Node-API and libuv only, so one build loads in Node and in Electron alike.
#include <errno.h>
#include <node_api.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <uv.h>

#ifdef __linux__
#include <netinet/in.h>
#include <netinet/tcp.h>
#define HAVE_QUICKACK 1
#else
#define HAVE_QUICKACK 0
#endif

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

// Room for reads of up to 768 KiB; unread bytes move to the front when less than a quarter is
// free. OpenSSH's largest packet is 256 KiB, so one always fits.
#define BUFFER_SIZE (1024 * 1024)
#define COMPACT_BELOW (256 * 1024)
#define MAX_PACKET_LENGTH (256 * 1024)
#define GCM_TAG_LENGTH 16
// A read smaller than this may need an ACK nudge (ack-nudge.ts): JavaScript hears about it.
#define SMALL_READ 16384
// Bytes written to a sink are reported (for window adjustments and counters) once this many
// have gathered, when JavaScript is called anyway, or after REPORT_DELAY_MS.
#define REPORT_BYTES (256 * 1024)
#define REPORT_DELAY_MS 20
// Packets per sink gathered into one sendmsg: a bulk read holds 2-3 per sink; small packets
// beyond this flush early. (Each sink carries the array: 10,000 connections, 10,000 sinks.)
#define MAX_IOV 16

enum {
  MSG_NEWKEYS = 21,
  MSG_CHANNEL_DATA = 94,
  MSG_CHANNEL_EOF = 96,
  MSG_CHANNEL_CLOSE = 97,
};

typedef struct Receiver Receiver;

typedef struct Sink {
  Receiver *owner;
  struct Sink *next;
  uint32_t channel;
  int fd;
  // Held: JavaScript still has earlier bytes of this channel on their way to the socket, so
  // everything waits in `pending` until it says they are out (releaseSink).
  bool held;
  // The local socket failed: its data is dropped (and counted, so the window keeps moving)
  // until the channel closes or JavaScript removes the sink.
  bool broken;
  // Bytes not written yet: pending[pending_head .. pending_head + pending_length).
  uint8_t *pending;
  size_t pending_head;
  size_t pending_length;
  size_t pending_capacity;
  struct iovec iov[MAX_IOV];
  int iov_count;
  size_t unreported;
} Sink;

typedef struct Report {
  uint32_t channel;
  size_t bytes;
} Report;

struct Receiver {
  napi_env env;
  napi_ref self;
  napi_ref callback;
  napi_async_context async_context;
  int fd;
  uv_poll_t poll;
  uv_timer_t report_timer;
  int open_handles;
  bool started;
  bool stopped;
  bool disposed;
  bool finalized;
  EVP_CIPHER_CTX *cipher;
  uint8_t iv[12];
  uint8_t *buffer;
  size_t head;
  size_t tail;
  uint64_t packets;
  Sink *sinks;
  // This read's payloads for JavaScript: each is [u32 packets-after][u32 length][bytes].
  uint8_t *outbox;
  size_t outbox_length;
  size_t outbox_capacity;
  Report *reports;
  size_t report_count;
  size_t report_capacity;
  size_t unreported_total;
};

static bool grow(uint8_t **data, size_t *capacity, size_t needed) {
  if (needed <= *capacity) return true;
  size_t next = *capacity ? *capacity : 4096;
  while (next < needed) next *= 2;
  uint8_t *bigger = realloc(*data, next);
  if (!bigger) return false;
  *data = bigger;
  *capacity = next;
  return true;
}

static uint32_t read_u32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void write_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

// Queues a payload for JavaScript. `prefix` (may be empty) and `body` are joined: a synthetic
// CHANNEL_DATA is built from a header and a sink's pending bytes without copying them twice.
static bool outbox_add(Receiver *r, const uint8_t *prefix, size_t prefix_length,
                       const uint8_t *body, size_t body_length) {
  size_t length = prefix_length + body_length;
  if (!grow(&r->outbox, &r->outbox_capacity, r->outbox_length + 8 + length)) return false;
  uint8_t *p = r->outbox + r->outbox_length;
  write_u32(p, (uint32_t)r->packets);
  write_u32(p + 4, (uint32_t)length);
  if (prefix_length) memcpy(p + 8, prefix, prefix_length);
  if (body_length) memcpy(p + 8 + prefix_length, body, body_length);
  r->outbox_length += 8 + length;
  return true;
}

static void add_report(Receiver *r, uint32_t channel, size_t bytes) {
  if (!bytes) return;
  size_t needed = (r->report_count + 1) * sizeof(Report);
  size_t capacity = r->report_capacity * sizeof(Report);
  uint8_t *data = (uint8_t *)r->reports;
  if (!grow(&data, &capacity, needed)) return;
  r->reports = (Report *)data;
  r->report_capacity = capacity / sizeof(Report);
  r->reports[r->report_count].channel = channel;
  r->reports[r->report_count].bytes = bytes;
  r->report_count++;
}

static void sink_consumed(Sink *s, size_t bytes) {
  s->unreported += bytes;
  s->owner->unreported_total += bytes;
}

static void sink_drop_pending(Sink *s) {
  s->pending_head = 0;
  s->pending_length = 0;
}

static bool sink_keep(Sink *s, const uint8_t *data, size_t length) {
  // Written bytes are dropped from the front only when that makes room, so a slow reader
  // costs one move per buffer's worth, not one per write.
  if (s->pending_head && s->pending_head + s->pending_length + length > s->pending_capacity) {
    memmove(s->pending, s->pending + s->pending_head, s->pending_length);
    s->pending_head = 0;
  }
  if (!grow(&s->pending, &s->pending_capacity, s->pending_head + s->pending_length + length))
    return false;
  memcpy(s->pending + s->pending_head + s->pending_length, data, length);
  s->pending_length += length;
  return true;
}

static void sink_break(Sink *s) {
  sink_consumed(s, s->pending_length);
  sink_drop_pending(s);
  s->broken = true;
}

// Writes `pending` as far as the socket takes it; what is left stays in `pending`.
static void sink_write_pending(Sink *s) {
  while (s->pending_length) {
    ssize_t n = send(s->fd, s->pending + s->pending_head, s->pending_length,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sink_consumed(s, (size_t)n);
      s->pending_head += (size_t)n;
      s->pending_length -= (size_t)n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    sink_break(s);
    return;
  }
  if (!s->pending_length) s->pending_head = 0;
}

// Gives the sink's pending bytes to JavaScript as one CHANNEL_DATA payload (Node writes them,
// after whatever it already has for the socket).
static void sink_hand_back(Sink *s) {
  if (!s->pending_length) return;
  uint8_t header[9];
  header[0] = MSG_CHANNEL_DATA;
  write_u32(header + 1, s->channel);
  write_u32(header + 5, (uint32_t)s->pending_length);
  outbox_add(s->owner, header, sizeof header, s->pending + s->pending_head, s->pending_length);
  sink_drop_pending(s);
}

// Sends this read's data for the sink in one sendmsg. What a full socket does not take goes back
// to JavaScript, and the sink is held until Node has written it. A held sink keeps its data.
static void sink_flush(Sink *s) {
  if (!s->iov_count) return;
  int count = s->iov_count;
  s->iov_count = 0;
  if (s->broken) {
    for (int i = 0; i < count; i++) sink_consumed(s, s->iov[i].iov_len);
    return;
  }
  size_t sent = 0;
  if (!s->held && s->pending_length == 0) {
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = s->iov;
    message.msg_iovlen = (size_t)count;
    ssize_t n;
    do {
      n = sendmsg(s->fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      sink_break(s);
      for (int i = 0; i < count; i++) sink_consumed(s, s->iov[i].iov_len);
      return;
    }
    if (n > 0) sent = (size_t)n;
    sink_consumed(s, sent);
  }
  for (int i = 0; i < count; i++) {
    size_t length = s->iov[i].iov_len;
    if (sent >= length) {
      sent -= length;
      continue;
    }
    if (!sink_keep(s, (const uint8_t *)s->iov[i].iov_base + sent, length - sent)) {
      // Out of memory: the bytes cannot be kept, so the connection cannot stay whole.
      sink_break(s);
      return;
    }
    sent = 0;
  }
  if (!s->held && s->pending_length) {
    s->held = true;
    sink_hand_back(s);
  }
}

static void sink_add_data(Sink *s, uint8_t *data, size_t length) {
  if (s->iov_count == MAX_IOV) sink_flush(s);
  s->iov[s->iov_count].iov_base = data;
  s->iov[s->iov_count].iov_len = length;
  s->iov_count++;
}

static Sink *find_sink(Receiver *r, uint32_t channel) {
  for (Sink *s = r->sinks; s; s = s->next)
    if (s->channel == channel) return s;
  return NULL;
}

static void unlink_sink(Receiver *r, Sink *s) {
  for (Sink **p = &r->sinks; *p; p = &(*p)->next) {
    if (*p == s) {
      *p = s->next;
      return;
    }
  }
}

// Ends native delivery for a sink. Bytes it still holds go to JavaScript as one CHANNEL_DATA
// payload, so they reach the socket through Node, ahead of whatever follows.
static void detach_sink(Receiver *r, Sink *s, bool hand_back_pending) {
  sink_flush(s);
  if (hand_back_pending && !s->broken) sink_hand_back(s);
  add_report(r, s->channel, s->unreported);
  r->unreported_total -= s->unreported;
  unlink_sink(r, s);
  free(s->pending);
  free(s);
}

static void collect_reports(Receiver *r) {
  for (Sink *s = r->sinks; s; s = s->next) {
    add_report(r, s->channel, s->unreported);
    s->unreported = 0;
  }
  r->unreported_total = 0;
}

static void stop_reading(Receiver *r) {
  if (r->stopped) return;
  r->stopped = true;
  if (r->started) uv_poll_stop(&r->poll);
  uv_timer_stop(&r->report_timer);
}

// Calls JavaScript: onBatch(payloads, reports, smallRead, stop).
//   payloads: [packetsAfter, Buffer, ...] or null; reports: [channel, bytes, ...] or null;
//   smallRead: the size of a read below SMALL_READ, else 0;
//   stop: undefined, or { reason: 'newkeys' | 'eof' | 'error', message?, rest? }.
static void call_js(Receiver *r, size_t small_read, const char *stop_reason, const char *message,
                    const uint8_t *rest, size_t rest_length) {
  napi_env env = r->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  collect_reports(r);
  uv_timer_stop(&r->report_timer);

  napi_value argv[4];
  napi_get_null(env, &argv[0]);
  napi_get_null(env, &argv[1]);
  if (r->outbox_length) {
    napi_create_array(env, &argv[0]);
    uint32_t index = 0;
    size_t p = 0;
    while (p < r->outbox_length) {
      uint32_t packets = read_u32(r->outbox + p);
      uint32_t length = read_u32(r->outbox + p + 4);
      napi_value seq, buffer;
      void *copy;
      napi_create_uint32(env, packets, &seq);
      napi_create_buffer_copy(env, length, r->outbox + p + 8, &copy, &buffer);
      napi_set_element(env, argv[0], index++, seq);
      napi_set_element(env, argv[0], index++, buffer);
      p += 8 + length;
    }
    r->outbox_length = 0;
  }
  if (r->report_count) {
    napi_create_array(env, &argv[1]);
    for (size_t i = 0; i < r->report_count; i++) {
      napi_value channel, bytes;
      napi_create_uint32(env, r->reports[i].channel, &channel);
      napi_create_double(env, (double)r->reports[i].bytes, &bytes);
      napi_set_element(env, argv[1], (uint32_t)(2 * i), channel);
      napi_set_element(env, argv[1], (uint32_t)(2 * i + 1), bytes);
    }
    r->report_count = 0;
  }
  napi_create_uint32(env, (uint32_t)small_read, &argv[2]);
  napi_get_undefined(env, &argv[3]);
  if (stop_reason) {
    napi_value reason;
    napi_create_object(env, &argv[3]);
    napi_create_string_utf8(env, stop_reason, NAPI_AUTO_LENGTH, &reason);
    napi_set_named_property(env, argv[3], "reason", reason);
    if (message) {
      napi_value text;
      napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &text);
      napi_set_named_property(env, argv[3], "message", text);
    }
    if (rest_length) {
      napi_value buffer;
      void *copy;
      napi_create_buffer_copy(env, rest_length, rest, &copy, &buffer);
      napi_set_named_property(env, argv[3], "rest", buffer);
    }
  }

  napi_value callback, receiver, result;
  napi_get_reference_value(env, r->callback, &callback);
  napi_get_reference_value(env, r->self, &receiver);
  if (napi_make_callback(env, r->async_context, receiver, callback, 4, argv, &result) ==
      napi_pending_exception) {
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
  napi_close_handle_scope(env, scope);
}

// Stops and hands everything back: the payloads so far, the bytes of every sink, and `rest`.
static void stop_with(Receiver *r, const char *reason, const char *message, const uint8_t *rest,
                      size_t rest_length) {
  stop_reading(r);
  for (Sink *s = r->sinks; s; s = r->sinks) detach_sink(r, s, true);
  call_js(r, 0, reason, message, rest, rest_length);
}

// Decrypts one packet in place: the 4-byte length (authenticated, not encrypted), `length`
// bytes, then the tag. False when the tag does not match.
static bool decrypt_packet(EVP_CIPHER_CTX *cipher, const uint8_t *iv, uint8_t *packet,
                           uint32_t length) {
  int out;
  uint8_t *body = packet + 4;
  return EVP_DecryptInit_ex(cipher, NULL, NULL, NULL, iv) == 1 &&
         EVP_DecryptUpdate(cipher, NULL, &out, packet, 4) == 1 &&
         EVP_DecryptUpdate(cipher, body, &out, body, (int)length) == 1 &&
         EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_SET_TAG, GCM_TAG_LENGTH, body + length) == 1 &&
         EVP_DecryptFinal_ex(cipher, body + length, &out) == 1;
}

static void increment_iv(Receiver *r) {
  for (int i = 11; i >= 4; i--)
    if (++r->iv[i] != 0) break;
}

// Decrypts and dispatches every whole packet in the buffer. Returns false once stopped.
static bool process(Receiver *r) {
  while (r->tail - r->head >= 4) {
    uint8_t *packet = r->buffer + r->head;
    uint32_t length = read_u32(packet);
    if (length < 16 || length % 16 != 0 || length > MAX_PACKET_LENGTH) {
      stop_with(r, "error", "Bad packet length", NULL, 0);
      return false;
    }
    size_t whole = 4 + (size_t)length + GCM_TAG_LENGTH;
    if (r->tail - r->head < whole) break;

    uint8_t *body = packet + 4;
    if (!decrypt_packet(r->cipher, r->iv, packet, length)) {
      stop_with(r, "error", "Bad packet authentication tag", NULL, 0);
      return false;
    }
    increment_iv(r);
    r->packets++;
    r->head += whole;

    uint8_t padding = body[0];
    if ((size_t)padding + 1 > length) {
      stop_with(r, "error", "Bad packet padding", NULL, 0);
      return false;
    }
    uint8_t *payload = body + 1;
    size_t payload_length = length - padding - 1;
    if (payload_length == 0) continue;
    uint8_t type = payload[0];

    if (type == MSG_CHANNEL_DATA && payload_length >= 9) {
      Sink *s = find_sink(r, read_u32(payload + 1));
      uint32_t data_length = read_u32(payload + 5);
      if (s && data_length <= payload_length - 9) {
        if (data_length) sink_add_data(s, payload + 9, data_length);
        continue;
      }
    } else if ((type == MSG_CHANNEL_EOF || type == MSG_CHANNEL_CLOSE) && payload_length >= 5) {
      Sink *s = find_sink(r, read_u32(payload + 1));
      if (s) detach_sink(r, s, true);
    }
    if (!outbox_add(r, NULL, 0, payload, payload_length)) {
      stop_with(r, "error", "Out of memory", NULL, 0);
      return false;
    }
    if (type == MSG_NEWKEYS) {
      for (Sink *s = r->sinks; s; s = s->next) sink_flush(s);
      stop_with(r, "newkeys", NULL, r->buffer + r->head, r->tail - r->head);
      return false;
    }
  }
  return true;
}

static void on_report_timer(uv_timer_t *timer);

// Bytes written but not reported reach JavaScript within REPORT_DELAY_MS even when nothing
// else calls it (the end of a transfer, a sink released or drained later).
static void schedule_report(Receiver *r) {
  if (!r->stopped && r->unreported_total && !uv_is_active((uv_handle_t *)&r->report_timer))
    uv_timer_start(&r->report_timer, on_report_timer, REPORT_DELAY_MS, 0);
}

static void on_report_timer(uv_timer_t *timer) {
  Receiver *r = timer->data;
  if (!r->stopped && r->unreported_total) call_js(r, 0, NULL, NULL, NULL, 0);
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  (void)events;
  Receiver *r = poll->data;
  if (r->stopped) return;
  if (status < 0) {
    stop_with(r, "error", uv_strerror(status), NULL, 0);
    return;
  }
  if (BUFFER_SIZE - r->tail < COMPACT_BELOW) {
    memmove(r->buffer, r->buffer + r->head, r->tail - r->head);
    r->tail -= r->head;
    r->head = 0;
  }
  ssize_t n;
  do {
    n = read(r->fd, r->buffer + r->tail, BUFFER_SIZE - r->tail);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    stop_with(r, "error", strerror(errno), NULL, 0);
    return;
  }
  if (n == 0) {
    stop_with(r, "eof", NULL, NULL, 0);
    return;
  }
#if HAVE_QUICKACK
  // As socket-tuning.ts does after each read on the JavaScript path.
  int one = 1;
  setsockopt(r->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
#endif
  r->tail += (size_t)n;
  if (!process(r)) return;
  for (Sink *s = r->sinks; s; s = s->next) sink_flush(s);
  size_t small_read = (size_t)n < SMALL_READ ? (size_t)n : 0;
  if (r->outbox_length || r->report_count || small_read || r->unreported_total >= REPORT_BYTES)
    call_js(r, small_read, NULL, NULL, NULL, 0);
  else
    schedule_report(r);
}

static void release_memory(Receiver *r) {
  if (r->cipher) EVP_CIPHER_CTX_free(r->cipher);
  r->cipher = NULL;
  free(r->buffer);
  free(r->outbox);
  free(r->reports);
  r->buffer = NULL;
  r->outbox = NULL;
  r->reports = NULL;
}

// The Receiver's memory outlives its libuv handles and its JavaScript object, whichever is last.
static void handle_closed(Receiver *r) {
  r->open_handles--;
  if (r->open_handles == 0 && r->finalized) free(r);
}

static void on_receiver_handle_closed(uv_handle_t *handle) { handle_closed(handle->data); }

// Closes everything; no JavaScript is called. Safe to call twice.
static void dispose(napi_env env, Receiver *r) {
  if (r->disposed) return;
  r->disposed = true;
  stop_reading(r);
  while (r->sinks) detach_sink(r, r->sinks, false);
  close(r->fd);
  uv_close((uv_handle_t *)&r->poll, on_receiver_handle_closed);
  uv_close((uv_handle_t *)&r->report_timer, on_receiver_handle_closed);
  release_memory(r);
  napi_async_destroy(env, r->async_context);
  napi_delete_reference(env, r->callback);
  uint32_t count;
  if (r->started) napi_reference_unref(env, r->self, &count);
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  Receiver *r = data;
  dispose(env, r);
  napi_delete_reference(env, r->self);
  r->finalized = true;
  if (r->open_handles == 0) free(r);
}

// --- Node-API glue -------------------------------------------------------------------------

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static bool get_buffer(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  bool is_buffer = false;
  if (napi_is_buffer(env, value, &is_buffer) != napi_ok || !is_buffer) return false;
  return napi_get_buffer_info(env, value, (void **)data, length) == napi_ok;
}

// new Receiver(fd, key, iv, onBatch): takes a duplicate of `fd` (the SSH socket) and the
// current server-to-client key and IV (the IV already advanced past every packet read so far).
static napi_value New(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], self;
  if (napi_get_cb_info(env, info, &argc, argv, &self, NULL) != napi_ok || argc < 4)
    return throw_error(env, "Receiver(fd, key, iv, onBatch) needs four arguments");
  int32_t fd;
  uint8_t *key, *iv;
  size_t key_length, iv_length;
  napi_valuetype type;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0)
    return throw_error(env, "fd must be a file descriptor");
  if (!get_buffer(env, argv[1], &key, &key_length) || (key_length != 16 && key_length != 32))
    return throw_error(env, "key must be a 16 or 32 byte Buffer");
  if (!get_buffer(env, argv[2], &iv, &iv_length) || iv_length != 12)
    return throw_error(env, "iv must be a 12 byte Buffer");
  if (napi_typeof(env, argv[3], &type) != napi_ok || type != napi_function)
    return throw_error(env, "onBatch must be a function");

  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok)
    return throw_error(env, "no event loop");
  Receiver *r = calloc(1, sizeof *r);
  if (!r) return throw_error(env, "out of memory");
  r->env = env;
  r->buffer = malloc(BUFFER_SIZE);
  r->cipher = EVP_CIPHER_CTX_new();
  const EVP_CIPHER *cipher = key_length == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
  if (!r->buffer || !r->cipher ||
      EVP_DecryptInit_ex(r->cipher, cipher, NULL, key, NULL) != 1) {
    release_memory(r);
    free(r);
    return throw_error(env, "cannot set up AES-GCM");
  }
  memcpy(r->iv, iv, 12);
  r->fd = dup(fd);
  if (r->fd < 0) {
    release_memory(r);
    free(r);
    return throw_error(env, strerror(errno));
  }
  uv_poll_init(loop, &r->poll, r->fd);
  uv_timer_init(loop, &r->report_timer);
  r->poll.data = r;
  r->report_timer.data = r;
  r->open_handles = 2;

  napi_value name;
  napi_create_string_utf8(env, "BurrowReceivePath", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, self, name, &r->async_context);
  napi_create_reference(env, argv[3], 1, &r->callback);
  napi_wrap(env, self, r, finalize, NULL, &r->self);
  return self;
}

static Receiver *unwrap(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  napi_value self;
  Receiver *r = NULL;
  if (napi_get_cb_info(env, info, argc, argv, &self, NULL) != napi_ok) return NULL;
  if (napi_unwrap(env, self, (void **)&r) != napi_ok || !r) {
    throw_error(env, "not a Receiver");
    return NULL;
  }
  if (r->disposed) {
    throw_error(env, "the Receiver was disposed");
    return NULL;
  }
  return r;
}

static napi_value Start(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  Receiver *r = unwrap(env, info, &argc, NULL);
  if (!r) return NULL;
  if (r->started) return NULL;
  r->started = true;
  uint32_t count;
  // Kept alive while it reads: libuv calls back into this object.
  napi_reference_ref(env, r->self, &count);
  uv_poll_start(&r->poll, UV_READABLE | UV_DISCONNECT, on_readable);
  return NULL;
}

// The receiver and arguments of a sink call: (channel) or, with `fd`, (channel, fd). Throws
// `usage` and returns NULL when they are not that.
static Receiver *sink_call(napi_env env, napi_callback_info info, const char *usage,
                           uint32_t *channel, int32_t *fd) {
  size_t want = fd ? 2 : 1;
  size_t argc = want;
  napi_value argv[2];
  Receiver *r = unwrap(env, info, &argc, argv);
  if (!r) return NULL;
  if (argc < want || napi_get_value_uint32(env, argv[0], channel) != napi_ok ||
      (fd && (napi_get_value_int32(env, argv[1], fd) != napi_ok || *fd < 0))) {
    throw_error(env, usage);
    return NULL;
  }
  return r;
}

// addSink(channel, fd): data for `channel` goes to `fd`, held until releaseSink. The descriptor
// stays Node's: removeSink must come before Node closes it.
static napi_value AddSink(napi_env env, napi_callback_info info) {
  uint32_t channel;
  int32_t fd;
  Receiver *r = sink_call(env, info, "addSink(channel, fd)", &channel, &fd);
  if (!r) return NULL;
  if (find_sink(r, channel)) return throw_error(env, "that channel already has a sink");
  Sink *s = calloc(1, sizeof *s);
  if (!s) return throw_error(env, "out of memory");
  s->fd = fd;
  s->owner = r;
  s->channel = channel;
  s->held = true;
  s->next = r->sinks;
  r->sinks = s;
  return NULL;
}

// releaseSink(channel): Node has written everything it had for the socket. The held bytes are
// written now; returns what the socket did not take (JavaScript writes it, and the sink stays
// held until that is out too), true when the sink writes directly again, false if there is none.
static napi_value ReleaseSink(napi_env env, napi_callback_info info) {
  uint32_t channel;
  Receiver *r = sink_call(env, info, "releaseSink(channel)", &channel, NULL);
  if (!r) return NULL;
  Sink *s = find_sink(r, channel);
  napi_value result;
  if (!s) {
    napi_get_boolean(env, false, &result);
    return result;
  }
  if (s->held && !s->broken) sink_write_pending(s);
  if (s->pending_length) {
    void *copy;
    napi_create_buffer_copy(env, s->pending_length, s->pending + s->pending_head, &copy,
                            &result);
    sink_drop_pending(s);
  } else {
    s->held = false;
    napi_get_boolean(env, true, &result);
  }
  schedule_report(r);
  return result;
}

// removeSink(channel): the local socket is gone; what was still held for it is dropped.
// Returns the bytes written to it and not yet reported (so JavaScript counts them now: a later
// report could meet a new channel with the same id), or -1 when the channel had no sink.
static napi_value RemoveSink(napi_env env, napi_callback_info info) {
  uint32_t channel;
  Receiver *r = sink_call(env, info, "removeSink(channel)", &channel, NULL);
  if (!r) return NULL;
  Sink *s = find_sink(r, channel);
  double unreported = -1;
  if (s) {
    unreported = (double)s->unreported;
    r->unreported_total -= s->unreported;
    s->unreported = 0;
    sink_drop_pending(s);
    detach_sink(r, s, false);
  }
  napi_value result;
  napi_create_double(env, unreported, &result);
  return result;
}

static napi_value Dispose(napi_env env, napi_callback_info info) {
  napi_value self;
  Receiver *r = NULL;
  if (napi_get_cb_info(env, info, NULL, NULL, &self, NULL) != napi_ok) return NULL;
  if (napi_unwrap(env, self, (void **)&r) == napi_ok && r) dispose(env, r);
  return NULL;
}

// selfTest(key, iv, packet): decrypts `packet` (length, body, tag) in place with the code the
// receiver uses; true when the tag matched. Burrow runs it once at load with a packet made by
// Node's own crypto, so a build that loads but decrypts wrongly (another OpenSSL, BoringSSL in
// Electron) is never used.
static napi_value SelfTest(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  uint8_t *key, *iv, *packet;
  size_t key_length, iv_length, packet_length;
  bool ok = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == 3 &&
      get_buffer(env, argv[0], &key, &key_length) && (key_length == 16 || key_length == 32) &&
      get_buffer(env, argv[1], &iv, &iv_length) && iv_length == 12 &&
      get_buffer(env, argv[2], &packet, &packet_length) &&
      packet_length >= 4 + 16 + GCM_TAG_LENGTH &&
      read_u32(packet) == packet_length - 4 - GCM_TAG_LENGTH) {
    EVP_CIPHER_CTX *cipher = EVP_CIPHER_CTX_new();
    const EVP_CIPHER *kind = key_length == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
    ok = cipher && EVP_DecryptInit_ex(cipher, kind, NULL, key, NULL) == 1 &&
         decrypt_packet(cipher, iv, packet, read_u32(packet));
    if (cipher) EVP_CIPHER_CTX_free(cipher);
  }
  napi_value result;
  napi_get_boolean(env, ok, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor methods[] = {
      {"start", NULL, Start, NULL, NULL, NULL, napi_default, NULL},
      {"addSink", NULL, AddSink, NULL, NULL, NULL, napi_default, NULL},
      {"releaseSink", NULL, ReleaseSink, NULL, NULL, NULL, napi_default, NULL},
      {"removeSink", NULL, RemoveSink, NULL, NULL, NULL, napi_default, NULL},
      {"dispose", NULL, Dispose, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_value constructor;
  napi_define_class(env, "Receiver", NAPI_AUTO_LENGTH, New, NULL,
                    sizeof methods / sizeof methods[0], methods, &constructor);
  napi_set_named_property(env, exports, "Receiver", constructor);
  napi_value self_test;
  napi_create_function(env, "selfTest", NAPI_AUTO_LENGTH, SelfTest, NULL, &self_test);
  napi_set_named_property(env, exports, "selfTest", self_test);
  return exports;
}
