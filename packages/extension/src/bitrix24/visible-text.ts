/**
 * The text an element shows, with `<br>` as a line break: the portal stores posts and messages with
 * newlines, and the pages print them as `<br>`, so `textContent` alone would join lines and make
 * every multi-line item look edited. Blocks are not separated: bodies are inline text with breaks.
 * Elements matching `skip` (e.g. a title printed inside the body) are left out.
 */
export function visibleText(element: Element, skip?: string): string {
  let text = '';
  const walk = (node: Node): void => {
    for (const child of node.childNodes) {
      if (child.nodeType === 3) text += (child as Text).data;
      else if (child.nodeType === 1) {
        if ((child as Element).tagName === 'BR') text += '\n';
        else if (!skip || !(child as Element).matches(skip)) walk(child);
      }
    }
  };
  walk(element);
  return text.replace(/^\s+|\s+$/g, '');
}
