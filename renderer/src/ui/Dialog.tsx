import * as RadixDialog from '@radix-ui/react-dialog';
import { X } from 'lucide-react';
import type { ReactNode } from 'react';

export interface DialogProps {
  open: boolean;
  onOpenChange(open: boolean): void;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  /** Buttons at the bottom, right-aligned. */
  footer?: ReactNode;
  /** A dialog that needs an answer (prompts) has no close button and ignores Escape… */
  modalOnly?: boolean;
  /** …unless Escape has a meaning of its own there (Cancel, for a password). */
  onEscape?: () => void;
  wide?: boolean;
}

/** A modal dialog (Radix: focus trap, Escape, aria-labelledby/-describedby done right). */
export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  footer,
  modalOnly,
  onEscape,
  wide,
}: DialogProps) {
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="dialog-overlay" />
        <RadixDialog.Content
          className={`dialog${wide ? ' dialog-wide' : ''}`}
          onEscapeKeyDown={
            modalOnly
              ? (e) => {
                  e.preventDefault();
                  onEscape?.();
                }
              : undefined
          }
          onPointerDownOutside={(e) => e.preventDefault()}
        >
          <div className="dialog-head">
            <RadixDialog.Title className="dialog-title">{title}</RadixDialog.Title>
            {!modalOnly && (
              <RadixDialog.Close className="btn btn-ghost icon-btn" aria-label="Close">
                <X size={16} aria-hidden />
              </RadixDialog.Close>
            )}
          </div>
          {description ? (
            <RadixDialog.Description className="dialog-description">
              {description}
            </RadixDialog.Description>
          ) : (
            <RadixDialog.Description className="sr-only">{title}</RadixDialog.Description>
          )}
          <div className="dialog-body">{children}</div>
          {footer && <div className="dialog-footer">{footer}</div>}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
