import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { TrayView } from '../service/tray-controller';
import type { TrayAction, TrayMenuItem, TrayState } from '../service/tray-model';

/** Renders the tray view computed in service/tray-model.ts; no decisions are made here. */
export class BurrowTray {
  private readonly tray: Tray;

  constructor(
    private readonly iconFor: (state: TrayState) => string,
    private readonly act: (action: TrayAction) => void,
  ) {
    this.tray = new Tray(nativeImage.createFromPath(iconFor('idle')));
    // Windows and Linux open the window on a click; macOS shows the menu, as its users expect.
    this.tray.on('click', () => {
      if (process.platform !== 'darwin') act({ kind: 'open' });
    });
  }

  render(view: TrayView): void {
    const image = nativeImage.createFromPath(this.iconFor(view.state));
    if (process.platform === 'darwin') image.setTemplateImage(true);
    this.tray.setImage(image);
    this.tray.setToolTip(view.tooltip);
    this.tray.setContextMenu(
      Menu.buildFromTemplate(view.menu.map((item) => this.toTemplate(item))),
    );
  }

  dispose(): void {
    this.tray.destroy();
  }

  private toTemplate(item: TrayMenuItem): MenuItemConstructorOptions {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'submenu':
        return { label: item.label, submenu: item.items.map((i) => this.toTemplate(i)) };
      case 'checkbox':
        return {
          type: 'checkbox',
          label: item.label,
          checked: item.checked,
          enabled: item.enabled,
          click: () => this.act(item.action),
        };
      case 'normal':
        return { label: item.label, enabled: item.enabled, click: () => this.act(item.action) };
    }
  }
}
