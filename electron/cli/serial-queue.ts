/**
 * Runs tasks one at a time in arrival order: several profiles may ask questions at once, and
 * the terminal can only hold one conversation.
 */
export function createSerialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return function run<T>(task: () => Promise<T>): Promise<T> {
    const result = tail.then(task, task);
    tail = result.catch(() => undefined);
    return result;
  };
}
