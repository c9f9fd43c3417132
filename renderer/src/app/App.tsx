import { useCallback, useEffect, useMemo, useState } from 'react';
import { EmptyState } from '../features/empty/EmptyState';
import { ProfileEditor } from '../features/editor/ProfileEditor';
import { ProfilePane } from '../features/profile/ProfilePane';
import { PromptDialogs } from '../features/prompts/PromptDialogs';
import { SettingsPage } from '../features/settings/SettingsPage';
import { Sidebar } from '../features/sidebar/Sidebar';
import { ImportFileDialog, SshConfigDialog } from '../features/transfer/TransferDialogs';
import type { AppModel } from '../state/app-model';
import { ModelContext, useObservable } from '../state/hooks';
import { Notices } from '../ui/Notices';
import { ErrorBoundary } from './ErrorBoundary';
import {
  NavigationContext,
  useNavigation,
  type DialogName,
  type Navigation,
  type Route,
} from './navigation';
import { useTheme } from './use-theme';

/** The window: sidebar of profiles, the main pane for the current page, dialogs on top. */
export function App({ model }: { model: AppModel }) {
  const [route, setRoute] = useState<Route>({ page: 'home' });
  const [dialog, setDialog] = useState<DialogName>(null);
  const profiles = useObservable(model.profiles);
  const settings = useObservable(model.settings);
  const bridgeError = useObservable(model.bridgeError);
  useTheme(settings?.theme);

  const go = useCallback((next: Route) => setRoute(next), []);
  const navigation = useMemo<Navigation>(
    () => ({ route, go, dialog, openDialog: setDialog }),
    [route, go, dialog],
  );

  // Open the first profile once profiles arrive; leave a page whose profile was deleted.
  const shown = route.page === 'profile' || route.page === 'edit-profile' ? route.profileId : null;
  useEffect(() => {
    if (!profiles) return;
    if (shown && !profiles.some((p) => p.id === shown)) setRoute({ page: 'home' });
    else if (route.page === 'home' && profiles[0])
      setRoute({ page: 'profile', profileId: profiles[0].id });
  }, [profiles, shown, route.page]);

  return (
    <ModelContext.Provider value={model}>
      <NavigationContext.Provider value={navigation}>
        <div className="app">
          <Sidebar />
          <main className="main" aria-label="Main">
            {bridgeError && (
              <div className="banner" role="alert">
                {bridgeError}
              </div>
            )}
            <ErrorBoundary resetKey={JSON.stringify(route)}>
              <Page route={route} profilesLoaded={profiles !== null} />
            </ErrorBoundary>
          </main>
        </div>
        <PromptDialogs />
        <ImportFileDialog
          open={dialog === 'import-file'}
          onOpenChange={(open) => setDialog(open ? 'import-file' : null)}
        />
        <SshConfigDialog
          open={dialog === 'ssh-config'}
          onOpenChange={(open) => setDialog(open ? 'ssh-config' : null)}
        />
        <Notices />
      </NavigationContext.Provider>
    </ModelContext.Provider>
  );
}

function Page({ route, profilesLoaded }: { route: Route; profilesLoaded: boolean }) {
  const navigation = useNavigation();
  switch (route.page) {
    case 'home':
      return profilesLoaded ? <EmptyState /> : null;
    case 'profile':
      return <ProfilePane key={route.profileId} profileId={route.profileId} tab={route.tab} />;
    case 'new-profile':
      return (
        <ProfileEditor
          key="new"
          onDone={(id) => navigation.go(id ? { page: 'profile', profileId: id } : { page: 'home' })}
        />
      );
    case 'edit-profile':
      return (
        <ProfileEditor
          key={route.profileId}
          profileId={route.profileId}
          focusForwardId={route.forwardId}
          onDone={() => navigation.go({ page: 'profile', profileId: route.profileId })}
        />
      );
    case 'settings':
      return <SettingsPage />;
  }
}
