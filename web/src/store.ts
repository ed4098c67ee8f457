import { useEffect, useState } from 'preact/hooks';

/** A value the pages share (the user, the cart); components re-render when it changes. */
export interface Store<T> {
  get(): T;
  set(value: T): void;
  use(): T;
}

export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<(v: T) => void>();
  return {
    get: () => value,
    set(next) {
      value = next;
      for (const l of listeners) l(value);
    },
    use() {
      const [current, setCurrent] = useState(value);
      useEffect(() => {
        listeners.add(setCurrent);
        setCurrent(value);
        return () => void listeners.delete(setCurrent);
      }, []);
      return current;
    },
  };
}
