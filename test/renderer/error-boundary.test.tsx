import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ErrorBoundary } from '../../renderer/src/app/ErrorBoundary';

function Broken(): never {
  throw new Error('draw failed');
}

describe('ErrorBoundary', () => {
  it('shows what failed instead of a blank window, and tries again on another page', () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { rerender } = render(
      <ErrorBoundary resetKey="a">
        <Broken />
      </ErrorBoundary>,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('draw failed');
    expect(screen.getByRole('button', { name: 'Reload the window' })).toBeInTheDocument();
    rerender(
      <ErrorBoundary resetKey="b">
        <p>another page</p>
      </ErrorBoundary>,
    );
    expect(screen.getByText('another page')).toBeInTheDocument();
    quiet.mockRestore();
  });
});
