/**
 * @module
 * Streaming XML records with `saxes`: the caller says which elements are records (by their
 * path from the root) and receives each as a small tree as soon as its end tag is read, so a
 * 100 MB CIN census never sits in memory whole. Text is trimmed; attributes are not needed by
 * the DfE formats and are ignored. Malformed XML ends in a LanternError naming the line. So does
 * a DOCTYPE with an internal subset (`<!DOCTYPE x [ … ]>`): its entity declarations are how XML
 * attacks work (entities that expand a billion-fold, or fetch other files). saxes never expands
 * them, so reading on would only fail later at the first entity used, with a message that hides
 * why; the DfE formats have no DOCTYPE, so a file with one is refused, saying where. A bare
 * `<!DOCTYPE Message>` declares nothing and is read as usual.
 */

import { basename } from "node:path";
import { SaxesParser } from "saxes";
import { LanternError } from "../core/errors.ts";
import { openText } from "./text.ts";

/** An element: its name, trimmed text, children in order, and the line it starts on. */
export interface XmlNode {
  readonly name: string;
  text: string;
  readonly children: XmlNode[];
  readonly line: number;
}

/** The text of the first child called `name` (blank → undefined). */
export function childText(n: XmlNode, name: string): string | undefined {
  for (const c of n.children) if (c.name === name) return c.text === "" ? undefined : c.text;
  return undefined;
}

/** All children called `name`. */
export function childrenNamed(n: XmlNode, name: string): XmlNode[] {
  return n.children.filter((c) => c.name === name);
}

const MAX_TEXT = 1_000_000;

/**
 * Stream the records of an XML file. `isRecord(path)` gets the element names from the root to
 * the element (root first) and says whether that element is a record.
 */
export async function* readXmlRecords(path: string, isRecord: (path: readonly string[]) => boolean, onBytes?: (n: number) => void): AsyncGenerator<{ path: readonly string[]; node: XmlNode }> {
  const name = basename(path);
  const parser = new SaxesParser({ position: true });
  const stack: string[] = [];
  const building: XmlNode[] = [];
  let ready: { path: readonly string[]; node: XmlNode }[] = [];
  let recordDepth = -1;
  let sawRoot = false;
  parser.on("doctype", (d) => {
    if (!d.includes("[")) return;
    // The event comes at the declaration's end: count back to the line it starts on.
    const line = parser.line - (d.match(/\n/g)?.length ?? 0);
    throw new LanternError("LANTERN_DATA_REJECTED", `${name} has a DOCTYPE declaration, which Lantern does not accept.`, {
      issues: [
        {
          code: "FILE_XML_DOCTYPE",
          severity: "error",
          file: name,
          row: line,
          message: `${name} has a DOCTYPE declaration with its own definitions (<!DOCTYPE … [ … ]>) on line ${line}. Lantern does not accept these: they are a known way to attack XML readers. DfE returns have none; export the file again from the case management system, or delete the declaration.`,
          expected: "XML with no DOCTYPE declaration, starting at the root element",
        },
      ],
      hint: "Export the file again from your case management system, or delete the <!DOCTYPE …> declaration.",
    });
  });
  parser.on("opentag", (t) => {
    sawRoot = true;
    stack.push(t.name);
    if (recordDepth < 0 && isRecord(stack)) recordDepth = stack.length;
    if (recordDepth >= 0) {
      const node: XmlNode = { name: t.name, text: "", children: [], line: parser.line };
      building.at(-1)?.children.push(node);
      building.push(node);
    }
  });
  parser.on("text", (s) => {
    const top = building.at(-1);
    if (!top) return;
    if (top.text.length + s.length > MAX_TEXT) throw new Error(`an element's text is over ${MAX_TEXT} characters`);
    top.text += s;
  });
  parser.on("cdata", (s) => {
    const top = building.at(-1);
    if (top) top.text += s;
  });
  parser.on("closetag", () => {
    if (recordDepth >= 0) {
      const node = building.pop()!;
      node.text = node.text.trim();
      if (stack.length === recordDepth) {
        ready.push({ path: [...stack], node });
        recordDepth = -1;
      }
    }
    stack.pop();
  });
  const fail = (e: unknown): never => {
    if (e instanceof LanternError) throw e;
    throw new LanternError("LANTERN_DATA_REJECTED", `${name} is not well-formed XML.`, {
      issues: [{ code: "FILE_XML_MALFORMED", severity: "error", file: name, row: parser.line, message: `${name} is not well-formed XML: ${e instanceof Error ? e.message : String(e)}`, expected: "well-formed XML with every element closed" }],
      hint: "Export the file again from your case management system; a truncated or hand-edited file cannot be read.",
    });
  };
  for await (const chunk of openText(path).chunks(onBytes)) {
    try {
      parser.write(chunk);
    } catch (e) {
      fail(e);
    }
    if (ready.length) {
      const out = ready;
      ready = [];
      for (const r of out) yield r;
    }
  }
  try {
    parser.close();
  } catch (e) {
    fail(e);
  }
  if (!sawRoot) fail(new Error("the file holds no XML element"));
  for (const r of ready) yield r;
}

/** The root element's name from the first bytes of text, if it looks like XML (past any DOCTYPE, internal subset and all). */
export function xmlRootName(head: string): string | undefined {
  const s = head.replace(/^\uFEFF/, "").replace(/<\?[\s\S]*?\?>/g, "").replace(/<!--[\s\S]*?-->/g, "").replace(/<!DOCTYPE(?:[^>[]|\[[\s\S]*?\])*>/i, "").trimStart();
  const m = /^<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(s);
  return m ? m[2] : undefined;
}
