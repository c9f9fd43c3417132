// Burrow's socket options that Node does not expose (electron/engine/socket-tuning.ts says why).
// Node-API only, so one build loads in Node and in Electron alike.
#include <node_api.h>
#include <stdbool.h>

#ifdef __linux__
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#define HAVE_QUICKACK 1
#else
#define HAVE_QUICKACK 0
#endif

// Reads the file descriptor argument; false when it is missing or not a non-negative integer.
static bool fd_argument(napi_env env, napi_callback_info info, size_t want, napi_value *argv,
                        int32_t *fd) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return false;
  return napi_get_value_int32(env, argv[0], fd) == napi_ok && *fd >= 0;
}

static napi_value boolean(napi_env env, bool value) {
  napi_value result;
  napi_get_boolean(env, value, &result);
  return result;
}

// quickAck(fd, on = true): sets TCP_QUICKACK. Returns false where it cannot (not Linux, not a
// TCP socket, a closed descriptor).
static napi_value QuickAck(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  if (!fd_argument(env, info, 2, argv, &fd)) return boolean(env, false);
#if HAVE_QUICKACK
  bool on = true;
  napi_valuetype type;
  if (napi_typeof(env, argv[1], &type) == napi_ok && type == napi_boolean)
    napi_get_value_bool(env, argv[1], &on);
  int value = on ? 1 : 0;
  return boolean(env, setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &value, sizeof value) == 0);
#else
  return boolean(env, false);
#endif
}

// quickAckState(fd): what the kernel reports for TCP_QUICKACK (true when the socket is out of
// delayed-ACK "pingpong" mode), or null where it cannot be read.
static napi_value QuickAckState(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  napi_value null_value;
  napi_get_null(env, &null_value);
  if (!fd_argument(env, info, 1, argv, &fd)) return null_value;
#if HAVE_QUICKACK
  int value = 0;
  socklen_t length = sizeof value;
  if (getsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &value, &length) != 0) return null_value;
  return boolean(env, value != 0);
#else
  return null_value;
#endif
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "quickAck", NAPI_AUTO_LENGTH, QuickAck, NULL, &fn);
  napi_set_named_property(env, exports, "quickAck", fn);
  napi_create_function(env, "quickAckState", NAPI_AUTO_LENGTH, QuickAckState, NULL, &fn);
  napi_set_named_property(env, exports, "quickAckState", fn);
  return exports;
}
