import type { EventName, EventPayloads } from '../../shared';

/** Where the service sends events: every open window in the app, a WebSocket in web mode. */
export interface EventSink {
  send<E extends EventName>(event: E, payload: EventPayloads[E]): void;
}
