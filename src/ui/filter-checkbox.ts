// A checkbox prompt that filters as you type (the grant picker: 162 actions in 16 categories), built
// on @inquirer/core. Typing narrows the list to choices whose text contains what was typed (any case);
// a heading stays while one of its choices does; ticks survive filtering. Space ticks, ↑↓ move,
// backspace un-types, Escape clears the filter, Enter saves every tick (shown or not).
import { styleText } from "node:util";
import {
  createPrompt,
  isBackspaceKey,
  isDownKey,
  isEnterKey,
  isSpaceKey,
  isUpKey,
  Separator,
  useKeypress,
  useMemo,
  usePagination,
  usePrefix,
  useState,
  makeTheme,
} from "@inquirer/core";

interface Choice<V> {
  value: V;
  name: string;
  short?: string;
  checked?: boolean;
  disabled?: boolean | string;
  description?: string;
}

export interface FilterCheckboxConfig<V> {
  message: string;
  choices: readonly (Choice<V> | Separator)[];
  pageSize?: number;
}

type Item<V> = (Choice<V> & { kind: "choice" }) | { kind: "heading"; text: string };

/** The items shown for a filter: matching choices, and the headings of groups that keep one. */
export function visibleItems<V>(items: readonly Item<V>[], filter: string): Item<V>[] {
  const needle = filter.toLowerCase();
  if (needle === "") return [...items];
  const out: Item<V>[] = [];
  let heading: Item<V> | undefined;
  for (const item of items) {
    if (item.kind === "heading") heading = item;
    else if (item.name.toLowerCase().includes(needle) || String(item.value).toLowerCase().includes(needle)) {
      if (heading) out.push(heading);
      heading = undefined;
      out.push(item);
    }
  }
  return out;
}

export default createPrompt((config: FilterCheckboxConfig<string>, done: (value: string[]) => void): string => {
  const theme = makeTheme({});
  const [status, setStatus] = useState<"idle" | "done">("idle");
  const prefix = usePrefix({ status, theme });
  const [items, setItems] = useState<Item<string>[]>(() =>
    config.choices.map((c): Item<string> => (Separator.isSeparator(c) ? { kind: "heading", text: c.separator } : { ...c, kind: "choice" })),
  );
  const [filter, setFilter] = useState("");
  const shown = useMemo(() => visibleItems(items, filter), [items, filter]);
  const choices = shown.filter((i) => i.kind === "choice");
  const [activeValue, setActiveValue] = useState<string | undefined>(undefined);
  // The cursor follows a value, so it stays put when the list around it changes.
  let active = shown.findIndex((i) => i.kind === "choice" && i.value === activeValue);
  if (active < 0) active = shown.findIndex((i) => i.kind === "choice");

  useKeypress((key, rl) => {
    if (status !== "idle") return;
    if (isEnterKey(key)) {
      setStatus("done");
      done(items.flatMap((i) => (i.kind === "choice" && i.checked ? [i.value] : [])));
    } else if (isUpKey(key) || isDownKey(key)) {
      const step = isUpKey(key) ? -1 : 1;
      for (let next = active + step; next >= 0 && next < shown.length; next += step) {
        const item = shown[next]!;
        if (item.kind === "choice") {
          setActiveValue(item.value);
          break;
        }
      }
    } else if (isSpaceKey(key)) {
      const item = shown[active];
      if (item?.kind === "choice" && !item.disabled) {
        setItems(items.map((i) => (i === item ? { ...i, checked: !i.checked } : i)));
      }
    } else if (isBackspaceKey(key)) {
      setFilter(filter.slice(0, -1));
    } else if (key.name === "escape") {
      setFilter("");
    } else {
      // node's keypress events carry the typed text; KeypressEvent does not declare it.
      const typed = (key as { sequence?: string }).sequence;
      if (typed !== undefined && /^[\w:*.-]$/.test(typed) && !key.ctrl) setFilter(filter + typed);
    }
    rl.clearLine(0); // typed characters are ours, not the readline's
  });

  const message = theme.style.message(config.message, status);
  if (status === "done") {
    const picked = items.filter((i) => i.kind === "choice" && i.checked) as Choice<string>[];
    return `${prefix} ${message} ${theme.style.answer(picked.map((c) => c.short ?? c.name).join(", "))}`;
  }
  const page =
    shown.length === 0
      ? styleText("dim", "  (nothing matches)")
      : usePagination({
          items: shown,
          active: Math.max(0, active),
          pageSize: config.pageSize ?? 15,
          loop: false,
          renderItem({ item, isActive }) {
            if (item.kind === "heading") return ` ${item.text}`;
            const box = item.checked ? styleText("green", "◉") : "◯";
            const line = `${isActive ? "❯" : " "}${box} ${item.name}`;
            return isActive ? styleText("cyan", line) : line;
          },
        });
  const ticked = items.filter((i) => i.kind === "choice" && i.checked).length;
  const filterLine = filter === "" ? styleText("dim", "type to filter") : `filter: ${filter}${styleText("dim", ` (${choices.length} shown; Esc clears)`)}`;
  const help = styleText("dim", `↑↓ move • space tick • ⏎ save (${ticked} ticked)`);
  return [`${prefix} ${message}`, filterLine, page, help].join("\n");
});
