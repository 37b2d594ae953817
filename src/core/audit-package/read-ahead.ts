/**
 * Pulls from `source` in the background, up to `budgetBytes` ahead of the consumer, so that reading
 * (opening and reading the next stored files) overlaps with what the consumer does with the bytes
 * (hashing, zipping, writing the package). Memory stays bounded by the budget plus one item. An
 * error of the source reaches the consumer at the point it would have; a consumer that stops early
 * stops the source.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, sizeOf: (item: T) => number, budgetBytes: number): AsyncGenerator<T> {
  const queue: T[] = [];
  let buffered = 0;
  let done = false;
  let failure: { error: unknown } | null = null;
  let stopped = false;
  let wakeConsumer: (() => void) | null = null;
  let wakeProducer: (() => void) | null = null;
  const signalConsumer = () => {
    wakeConsumer?.();
    wakeConsumer = null;
  };
  const signalProducer = () => {
    wakeProducer?.();
    wakeProducer = null;
  };

  const producer = (async () => {
    try {
      for await (const item of source) {
        if (stopped) return;
        queue.push(item);
        buffered += sizeOf(item);
        signalConsumer();
        while (buffered >= budgetBytes && !stopped) await new Promise<void>((r) => (wakeProducer = r));
        if (stopped) return;
      }
    } catch (error) {
      failure = { error };
    } finally {
      done = true;
      signalConsumer();
    }
  })();

  try {
    for (;;) {
      if (queue.length > 0) {
        const item = queue.shift()!;
        buffered -= sizeOf(item);
        signalProducer();
        yield item;
        continue;
      }
      if (failure) throw (failure as { error: unknown }).error;
      if (done) return;
      await new Promise<void>((r) => (wakeConsumer = r));
    }
  } finally {
    stopped = true;
    signalProducer();
    await producer;
  }
}
