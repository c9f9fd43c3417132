import { createContext, useContext } from 'react';

/** Where the main pane is. The sidebar is always there. */
export type Route =
  | { page: 'home' }
  | { page: 'profile'; profileId: string; tab?: 'forwards' | 'log' }
  | { page: 'new-profile' }
  | {
      page: 'edit-profile';
      profileId: string;
      /** Scroll to and focus this forward. */ forwardId?: string;
    }
  | { page: 'settings' };

/** `forwardId` of an edit-profile route that opens the editor with a new forward ready. */
export const NEW_FORWARD = 'new';

/** Dialogs any part of the window can open. */
export type DialogName = 'import-file' | 'ssh-config' | null;

export interface Navigation {
  route: Route;
  go(route: Route): void;
  dialog: DialogName;
  openDialog(name: DialogName): void;
}

export const NavigationContext = createContext<Navigation | null>(null);

export function useNavigation(): Navigation {
  const navigation = useContext(NavigationContext);
  if (!navigation) throw new Error('useNavigation() outside <NavigationContext.Provider>');
  return navigation;
}
