import { createContext, useCallback, useContext, useSyncExternalStore } from 'react';
import type { SessionState } from '../../../shared/status';
import type { AppModel, Observable } from './app-model';
import { forwardKey, type ForwardView } from './status-store';

export const ModelContext = createContext<AppModel | null>(null);

export function useModel(): AppModel {
  const model = useContext(ModelContext);
  if (!model) throw new Error('useModel() outside <ModelContext.Provider>');
  return model;
}

export function useObservable<T>(observable: Observable<T>): T {
  return useSyncExternalStore(observable.subscribe, observable.get);
}

export function useProfiles() {
  return useObservable(useModel().profiles);
}

export function useSettings() {
  return useObservable(useModel().settings);
}

export function usePrompts() {
  return useObservable(useModel().prompts);
}

export function useNotices() {
  return useObservable(useModel().notices);
}

export function useAppInfo() {
  return useObservable(useModel().info);
}

/** One profile's session state; re-renders only when that profile's status changes. */
export function useSession(profileId: string): SessionState {
  const { status } = useModel();
  const subscribe = useCallback(
    (listener: () => void) => status.subscribe(profileId, listener),
    [status, profileId],
  );
  return useSyncExternalStore(subscribe, () => status.session(profileId));
}

/** The states of a profile's forwards (for its dot); re-renders with the profile only. */
export function useProfileStatus(profileId: string) {
  const { status } = useModel();
  const subscribe = useCallback(
    (listener: () => void) => status.subscribe(profileId, listener),
    [status, profileId],
  );
  return useSyncExternalStore(subscribe, () => status.profile(profileId));
}

/** One forward's live view; re-renders only when this forward changed. */
export function useForward(profileId: string, forwardId: string): ForwardView | undefined {
  const { status } = useModel();
  const key = forwardKey(profileId, forwardId);
  const subscribe = useCallback(
    (listener: () => void) => status.subscribe(key, listener),
    [status, key],
  );
  return useSyncExternalStore(subscribe, () => status.forward(profileId, forwardId));
}

export function useLog(profileId: string) {
  const model = useModel();
  return useObservable(model.log(profileId));
}
