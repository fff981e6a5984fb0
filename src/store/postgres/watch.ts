// Push for `serve`: a dedicated connection LISTENs on the change channel and calls onChange on every
// NOTIFY. A dropped connection is re-opened (with a growing pause) and followed by one onChange,
// because changes made while it was down sent notifications nobody heard.
import { connect, type Target } from "./client.js";
import type { Client } from "./pg-impl.js";

export function watchChannel(target: Target, channel: string, onChange: () => void): () => void {
  let stopped = false;
  let client: Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let pause = 100;

  const retry = () => {
    if (stopped || timer) return;
    const old = client;
    client = undefined;
    old?.end().catch(() => {});
    timer = setTimeout(() => {
      timer = undefined;
      void listen(true);
    }, pause);
    pause = Math.min(pause * 2, 5_000);
  };

  const listen = async (reconnect: boolean) => {
    try {
      const c = await connect(target);
      if (stopped) return void c.end().catch(() => {});
      client = c;
      c.on("notification", (msg) => {
        if (msg.channel === channel) onChange();
      });
      c.on("error", retry);
      c.on("end", retry);
      await c.query(`LISTEN ${channel}`);
      pause = 100;
      if (reconnect) onChange();
    } catch {
      retry();
    }
  };

  void listen(false);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    client?.end().catch(() => {});
    client = undefined;
  };
}

