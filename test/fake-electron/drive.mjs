// Loads the built main bundle against the stand-in Electron, then answers requests from the
// test, one JSON object per line: call a registered IPC handler as a given frame, or report
// what main asked of Electron.
import { createInterface } from 'node:readline';
import { app, recorded } from './electron.mjs';

await import(process.argv[2]);
while (recorded.handlers.size === 0) await new Promise((r) => setTimeout(r, 5));

const reply = (id, body) => process.stdout.write(`${JSON.stringify({ id, ...body })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const request = JSON.parse(line);
  try {
    if (request.call) {
      const handler = recorded.handlers.get(request.call);
      const event = {
        senderFrame: { url: request.frameUrl, parent: request.topLevel === false ? {} : null },
      };
      reply(request.id, { result: handler ? await handler(event, request.payload) : 'no handler' });
    } else if (request.inspect) {
      let csp;
      recorded.headerHook?.(
        { responseHeaders: {} },
        (r) => (csp = r.responseHeaders['Content-Security-Policy']),
      );
      const [window] = recorded.windows;
      reply(request.id, {
        result: {
          channels: [...recorded.handlers.keys()],
          windowOptions: window?.options,
          url: window?.url,
          csp,
          sent: recorded.sent.map((s) => s.channel),
        },
      });
    } else if (request.quit) {
      app.emit('before-quit', { preventDefault() {} });
      while (recorded.quitCalls === 0) await new Promise((r) => setTimeout(r, 5));
      reply(request.id, { result: recorded.quitCalls });
    }
  } catch (err) {
    reply(request.id, { error: String(err?.stack ?? err) });
  }
}
