import { element } from './element';

/** A button of a list item; `label` names what it does to which item, for screen readers. */
export function actionButton(text: string, label: string, quiet = false): HTMLButtonElement {
  return element('button', { type: 'button', 'aria-label': label, class: quiet ? 'quiet' : undefined }, text);
}

/** One entry of a list: what it is, then what can be done with it. */
export function listItem(
  attributes: Record<string, string>,
  what: Array<Node | false>,
  actions: HTMLElement[],
): HTMLLIElement {
  return element(
    'li',
    attributes,
    element('span', { class: 'what' }, ...what),
    element('span', { class: 'actions' }, ...actions),
  );
}

/** Replaces a list's entries, saying `empty` when there are none. */
export function fillList(list: HTMLElement, items: HTMLLIElement[], empty: string): void {
  list.replaceChildren(...(items.length > 0 ? items : [element('li', { class: 'empty' }, empty)]));
}
