import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { BurrowApi } from '../../shared/ipc';
import { App } from './app/App';
import { AppModel } from './state/app-model';
import './styles.css';

declare global {
  interface Window {
    /** The preload bridge in the app; the loopback WebSocket client in `npm run dev:web`. */
    burrow?: BurrowApi;
  }
}

const root = createRoot(document.getElementById('root')!);
if (!window.burrow) {
  root.render(
    <p style={{ padding: 24 }}>
      Burrow’s window must be opened by the Burrow app (or <code>npm run dev:web</code>).
    </p>,
  );
} else {
  const model = new AppModel(window.burrow);
  void model.start();
  root.render(
    <StrictMode>
      <App model={model} />
    </StrictMode>,
  );
}
