import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/**
 * A bug in one page must not blank the whole window: the sidebar (and with it start/stop)
 * stays usable, and the page says what happened instead of disappearing.
 */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('[burrow] a page failed to render:', error, info.componentStack);
  }

  override componentDidUpdate(previous: { resetKey: string }): void {
    // Going to another page tries again.
    if (previous.resetKey !== this.props.resetKey && this.state.error)
      this.setState({ error: null });
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="page" role="alert">
        <h1 className="page-title">This page could not be shown</h1>
        <p>
          Burrow hit a bug while drawing it: <code>{this.state.error.message}</code>. Your tunnels
          are not affected. Pick another page in the sidebar, or reload the window.
        </p>
        <button type="button" className="btn" onClick={() => location.reload()}>
          Reload the window
        </button>
      </div>
    );
  }
}
