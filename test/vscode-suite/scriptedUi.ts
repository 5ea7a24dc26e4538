// The Ui seam answered in code, for the extension-host suite: prompts are found by their
// stable PromptId and pick items by their stable `id`, never by visible (localized) text,
// so a change of wording breaks no test. What each prompt showed is recorded for assertions
// about the text itself.
import type * as vscode from 'vscode';
import type { PromptId, PromptItem, Ui } from '../../src/vscode/services/ui';

/** An input answer: the text, undefined (Escape), KEEP (accept the prefill) or computed from the box. */
export type InputAnswer = string | undefined | ((opts: vscode.InputBoxOptions) => string | undefined);
/** A pick answer: item id(s); undefined = Escape; an array answers a multi-select pick. */
export type PickAnswer = string | string[] | undefined;

/** Accepts an input box's prefilled value as it is. */
export const KEEP = '\u0000keep-prefill';

export class ScriptedUi implements Ui {
  /** By prompt id; a queue (`queue()`) answers a prompt asked several times in turn. */
  readonly inputs = new Map<PromptId, InputAnswer | Queue<InputAnswer>>();
  /** By prompt id; a queue (`new Queue(...)`) answers a pick asked several times in turn. */
  readonly picks = new Map<PromptId, PickAnswer | Queue<PickAnswer>>();
  confirmAnswer = true;
  /** Check each input answer with the box's own validateInput, as the real box would. */
  validateInputs = false;
  notifyAnswer: (message: string, actions: string[]) => string | undefined = () => undefined;
  /** Every prompt in order: its id and the text it showed (prompt, placeholder or title). */
  readonly asked: { id: PromptId; text: string }[] = [];
  readonly confirms: { id: PromptId; message: string; detail?: string }[] = [];
  readonly notes: { kind: string; message: string; actions: string[] }[] = [];
  readonly opened: string[] = [];
  /** The value each input box was prefilled with (the last time it was shown). */
  readonly prefills = new Map<PromptId, string | undefined>();
  /** The item ids each pick offered (the last time it was shown). */
  readonly offered = new Map<PromptId, (string | undefined)[]>();

  async confirm(id: PromptId, message: string, _action: string, opts?: { detail?: string }): Promise<boolean> {
    this.confirms.push({ id, message, detail: opts?.detail });
    return this.confirmAnswer;
  }

  async input(id: PromptId, opts: vscode.InputBoxOptions): Promise<string | undefined> {
    this.asked.push({ id, text: opts.prompt ?? opts.placeHolder ?? opts.title ?? '' });
    this.prefills.set(id, opts.value);
    if (!this.inputs.has(id)) throw new Error(`unexpected input box "${id}"`);
    const stored = this.inputs.get(id);
    const a = stored instanceof Queue ? stored.next(id) : stored;
    const v = typeof a === 'function' ? a(opts) : a;
    const answer = v === KEEP ? (opts.value ?? '') : v;
    if (this.validateInputs && answer !== undefined && opts.validateInput) {
      const problem = await opts.validateInput(answer);
      if (problem) throw new Error(`answer for "${id}" refused: ${JSON.stringify(problem)}`);
    }
    return answer;
  }

  async pick<T extends PromptItem>(id: PromptId, items: readonly T[] | Promise<readonly T[]>, opts?: vscode.QuickPickOptions): Promise<T | undefined> {
    this.asked.push({ id, text: opts?.placeHolder ?? opts?.title ?? '' });
    if (!this.picks.has(id)) throw new Error(`unexpected pick "${id}"`);
    const stored = this.picks.get(id);
    const want = stored instanceof Queue ? stored.next(id) : stored;
    const list = await items;
    this.offered.set(id, list.map((i) => i.id));
    if (want === undefined) return undefined;
    const one = (w: string): T => {
      const found = list.find((i) => i.id === w);
      if (!found) throw new Error(`no item "${w}" in pick "${id}": ${list.map((i) => i.id ?? `(no id: ${i.label})`).join(' | ')}`);
      return found;
    };
    if (opts?.canPickMany) return (Array.isArray(want) ? want : [want]).map(one) as unknown as T;
    return one(Array.isArray(want) ? want[0] : want);
  }

  async notify(kind: 'info' | 'warning' | 'error', message: string, ...actions: string[]): Promise<string | undefined> {
    this.notes.push({ kind, message, actions });
    return this.notifyAnswer(message, actions);
  }

  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }

  errors(): string[] {
    return this.notes.filter((n) => n.kind === 'error').map((n) => n.message);
  }

  /** The ids of the prompts asked so far, in order. */
  askedIds(): PromptId[] {
    return this.asked.map((a) => a.id);
  }
}

/** Answers for a prompt asked several times, in turn; running out is an error. */
export class Queue<T> {
  private readonly left: T[];
  constructor(...answers: T[]) {
    this.left = answers;
  }
  next(id: string): T {
    if (this.left.length === 0) throw new Error(`input box "${id}" asked more often than answered`);
    return this.left.shift() as T;
  }
}
