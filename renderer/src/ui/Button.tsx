import type { ButtonHTMLAttributes, ReactNode } from 'react';

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  icon?: ReactNode;
  /** Shows the button as working (aria-busy) without changing what it says it does. */
  busy?: boolean;
}

export function Button({
  variant = 'secondary',
  icon,
  busy,
  children,
  className,
  type = 'button',
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type}
      className={`btn btn-${variant}${className ? ` ${className}` : ''}`}
      aria-busy={busy || undefined}
      {...rest}
    >
      {icon}
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
