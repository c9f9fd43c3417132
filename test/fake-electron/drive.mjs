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
      const [tray] = recorded.trays;
      // Menus hold click functions; describe them as labels and whether they can be clicked.
      const describe = (items) =>
        items.map((i) => ({
          label: i.label,
          type: i.type,
          checked: i.checked,
          submenu: i.submenu && describe(i.submenu),
        }));
      reply(request.id, {
        result: {
          channels: [...recorded.handlers.keys()],
          windowOptions: window?.options,
          windows: recorded.windows.length,
          visible: window?.visible,
          url: window?.url,
          csp,
          sent: recorded.sent.map((s) => s.channel),
          tray: tray && {
            icon: tray.image.path,
            tooltip: tray.tooltip,
            menu: describe(tray.menu?.template ?? []),
          },
        },
      });
    } else if (request.clickTray) {
      // Clicks the tray menu item at the given label path, as a user would.
      let items = recorded.trays[0].menu.template;
      let item;
      for (const label of request.clickTray) {
        item = items.find((i) => i.label === label);
        items = item?.submenu ?? [];
      }
      item.click();
      reply(request.id, { result: true });
    } else if (request.appEvent) {
      app.emit(request.appEvent);
      reply(request.id, { result: true });
    } else if (request.closeWindow) {
      reply(request.id, { result: recorded.windows[0].close() });
    } else if (request.quit) {
      app.emit('before-quit', { preventDefault() {} });
      while (recorded.quitCalls === 0) await new Promise((r) => setTimeout(r, 5));
      reply(request.id, { result: recorded.quitCalls });
    }
  } catch (err) {
    reply(request.id, { error: String(err?.stack ?? err) });
  }
}
