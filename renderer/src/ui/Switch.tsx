import * as RadixSwitch from '@radix-ui/react-switch';

export interface SwitchProps {
  checked: boolean;
  onCheckedChange(checked: boolean): void;
  /** The accessible name ("Start staging db"). */
  label: string;
  disabled?: boolean;
  busy?: boolean;
  id?: string;
}

/** An on/off toggle with role="switch" (Radix): Space and Enter flip it. */
export function Switch({ checked, onCheckedChange, label, disabled, busy, id }: SwitchProps) {
  return (
    <RadixSwitch.Root
      id={id}
      className="switch"
      checked={checked}
      // While its command is on its way the switch keeps the engine's state and ignores clicks.
      onCheckedChange={busy ? () => undefined : onCheckedChange}
      aria-label={label}
      aria-busy={busy || undefined}
      disabled={disabled}
    >
      <RadixSwitch.Thumb className="switch-thumb" />
    </RadixSwitch.Root>
  );
}
