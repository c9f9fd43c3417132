import { LoaderCircle } from 'lucide-react';
import type { ButtonHTMLAttributes, ReactNode } from 'react';

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  icon?: ReactNode;
  /**
   * The click's command is on its way: a spinner replaces the icon and further clicks are
   * ignored (the button stays focusable, unlike a disabled one).
   */
  busy?: boolean;
}

export function Button({
  variant = 'secondary',
  icon,
  busy,
  children,
  className,
  type = 'button',
  onClick,
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type}
      className={`btn btn-${variant}${className ? ` ${className}` : ''}`}
      aria-busy={busy || undefined}
      onClick={busy ? undefined : onClick}
      {...rest}
    >
      {busy ? <LoaderCircle size={14} className="spin" aria-hidden /> : icon}
      {children !== undefined && <span>{children}</span>}
    </button>
  );
}

/** A button that is only an icon: its accessible name is `label` (also its tooltip). */
export function IconButton({
  label,
  icon,
  className,
  ...rest
}: Omit<ButtonProps, 'children'> & { label: string; icon: ReactNode }) {
  return (
    <Button
      variant="ghost"
      aria-label={label}
      title={label}
      icon={icon}
      className={`icon-btn${className ? ` ${className}` : ''}`}
      {...rest}
    />
  );
}
