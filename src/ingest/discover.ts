/**
 * @module
 * Finding the files of an SSD export among the paths a user gives: `ssd_<table>.csv` files,
 * folders holding them, and a generated multi-authority folder (`authorities.csv` with one
 * sub-folder per authority). Also reads the small `population.csv` and `authorities.csv`
 * reference files. It only looks at names here; reading contents is the importer's job.
 */

import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { LanternError } from "../core/errors.ts";
import { ssdTable } from "../store/ssd-schema.ts";

/** One file of an SSD export. */
export interface SsdFile {
  readonly path: string;
  readonly name: string;
  /** The SSD table it loads, or undefined when it names no table Lantern stores. */
  readonly table: string | undefined;
  readonly bytes: number;
}

/** The files of one authority's load. */
export interface AuthorityFiles {
  readonly authority: string;
  readonly name?: string;
  readonly files: SsdFile[];
  readonly population?: string;
  /** Other files in its folders, not read (a log or a README the export tool left): warned of. */
  readonly unread?: readonly string[];
  /** Folders (or links to nothing) in its folders, even one named like ssd_send.csv: not read, warned of. */
  readonly notFiles?: readonly string[];
}

const SSD_FILE = /^(ssd_[a-z0-9_]+)\.csv$/i;

/**
 * A name a copy of an SSD file gets: "ssd_contacts (1).csv" (a browser's second download),
 * "ssd_contacts - Copy.csv" (Windows), "ssd_contacts copy.csv" (macOS). Gives the name it copies.
 */
export function ssdCopyOf(name: string): string | undefined {
  const m = /^(ssd_[a-z0-9_]+)(?:\s*\(\d+\)|\s*-\s*copy(?:\s*\(\d+\))?|\s+copy(?:\s+\d+)?)\.csv$/i.exec(name);
  return m ? `${m[1]}.csv` : undefined;
}

/**
 * Refuse copies' names among an export's files: Lantern reads SSD files by their exact names, so
 * a copy would be left out without a word (its table missing, or carried forward from the last
 * load), or read as a second file for the table.
 */
function refuseCopies(names: readonly string[]): void {
  const copies = names.filter((n) => ssdCopyOf(n));
  if (!copies.length) return;
  const said = copies.map((n) => `${n} (a copy of ${ssdCopyOf(n)}?)`).join(", ");
  throw new LanternError("LANTERN_USAGE", `${copies.length === 1 ? "A file is" : "Files are"} named like ${copies.length === 1 ? "a copy" : "copies"}, not ssd_<table>.csv: ${said}. Lantern reads SSD files by their exact names, so ${copies.length === 1 ? "it" : "they"} would not be loaded.`, {
    hint: "Rename the file to load to ssd_<table>.csv (removing the older one), or remove the copy, then load again.",
  });
}

function ssdFile(path: string): SsdFile {
  const name = basename(path);
  const m = SSD_FILE.exec(name);
  const table = m ? m[1]!.toLowerCase() : undefined;
  return { path, name, table: table && ssdTable(table) ? table : undefined, bytes: statSync(path).size };
}

function filesIn(dir: string): { ssd: SsdFile[]; population?: string; authorities?: string; unread: string[]; notFiles: string[] } {
  const entries = readdirSync(dir).sort();
  const isFile = (n: string) => {
    try {
      return statSync(join(dir, n)).isFile();
    } catch {
      return false;
    }
  };
  // Only files are read: a folder named like a table (ssd_send.csv) is said and left, not opened.
  const names = entries.filter(isFile);
  const notFiles = entries.filter((n) => !n.startsWith(".") && !n.startsWith("~$") && !names.includes(n));
  refuseCopies(names);
  const ssd = names.filter((n) => SSD_FILE.test(n)).map((n) => ssdFile(join(dir, n)));
  const pop = names.find((n) => n.toLowerCase() === "population.csv");
  const auth = names.find((n) => n.toLowerCase() === "authorities.csv");
  const unread = names.filter((n) => !SSD_FILE.test(n) && n !== pop && n !== auth && !n.startsWith(".") && !n.startsWith("~$"));
  return {
    ssd,
    ...(pop ? { population: join(dir, pop) } : {}),
    ...(auth ? { authorities: join(dir, auth) } : {}),
    unread,
    notFiles,
  };
}

/** Parse the `authorities.csv` a generator writes: `la_code,la_name,…`. */
export function readAuthoritiesFile(path: string): { code: string; name: string }[] {
  const lines = readFileSync(path, "utf8").replace(/^\uFEFF/, "").split(/\r?\n/).filter((l) => l.trim());
  const header = lines[0]?.split(",").map((h) => h.trim().toLowerCase()) ?? [];
  const ci = header.indexOf("la_code");
  const ni = header.indexOf("la_name");
  if (ci < 0) throw new LanternError("LANTERN_USAGE", `${basename(path)} has no la_code column.`);
  return lines.slice(1).map((l) => {
    const cells = l.split(",");
    return { code: cells[ci]!.trim(), name: ni >= 0 ? (cells[ni] ?? "").trim() : "" };
  });
}

/**
 * Is `path` a folder `lantern generate` wrote: an `authorities.csv` beside one sub-folder per
 * authority it lists (which hold the SSD files).
 */
export function isGeneratedFolder(path: string): boolean {
  try {
    if (!statSync(path).isDirectory()) return false;
    const auth = readdirSync(path).find((n) => n.toLowerCase() === "authorities.csv");
    if (!auth) return false;
    const listed = readAuthoritiesFile(join(path, auth));
    return listed.length > 0 && listed.every((a) => a.code !== "" && existsSync(join(path, a.code)) && statSync(join(path, a.code)).isDirectory());
  } catch {
    return false;
  }
}

/**
 * `items` with each file kept once, at its first mention, however it was named (a folder and a
 * file in it, one path given twice, a symbolic link): read twice, its rows would be duplicates.
 */
export function oncePerFile<T>(items: readonly T[], pathOf: (item: T) => string): T[] {
  const real = new Set<string>();
  return items.filter((item) => {
    const r = realpathSync(pathOf(item));
    if (real.has(r)) return false;
    real.add(r);
    return true;
  });
}

/**
 * Group the given paths into per-authority loads. With `authority` every file belongs to that
 * authority (of a generated folder, its sub-folder); without it, each path must be a generated
 * multi-authority folder.
 */
export function discoverLoads(paths: readonly string[], authority: string | undefined): AuthorityFiles[] {
  if (paths.length === 0) throw new LanternError("LANTERN_USAGE", "Name at least one file or folder to import.");
  for (const p of paths) {
    if (!existsSync(p)) throw new LanternError("LANTERN_FILE_NOT_FOUND", `${p} does not exist.`, { hint: "Check the path; folders and ssd_<table>.csv files are accepted." });
  }
  if (authority !== undefined) {
    const files: SsdFile[] = [];
    const unread: string[] = [];
    const notFiles: string[] = [];
    let population: string | undefined;
    for (const p of paths.map((x) => resolve(x))) {
      if (isGeneratedFolder(p)) {
        // A generated folder named with --authority: that authority's sub-folder, with the
        // population file beside them all.
        const listed = readAuthoritiesFile(join(p, readdirSync(p).find((n) => n.toLowerCase() === "authorities.csv")!)).map((a) => a.code);
        if (!listed.includes(authority)) {
          throw new LanternError("LANTERN_USAGE", `${p} is a folder written by \`lantern generate\`, for ${listed.join(", ")} (its authorities.csv); --authority ${authority} is not one of them.`, {
            hint: `Leave --authority off to load every authority in it, or name one of them (--authority ${listed[0]}). To load one authority's files as ${authority}, name its folder: lantern import ${join(p, listed[0]!)} --authority ${authority}.`,
          });
        }
        const found = filesIn(join(p, authority));
        files.push(...found.ssd);
        unread.push(...found.unread);
        notFiles.push(...found.notFiles);
        population ??= filesIn(p).population;
      } else if (statSync(p).isDirectory()) {
        const found = filesIn(p);
        files.push(...found.ssd);
        unread.push(...found.unread);
        notFiles.push(...found.notFiles);
        population ??= found.population;
      } else if (basename(p).toLowerCase() === "population.csv") {
        population = p;
      } else if (SSD_FILE.test(basename(p))) {
        files.push(ssdFile(p));
      } else if (ssdCopyOf(basename(p))) {
        refuseCopies([basename(p)]);
      } else {
        throw new LanternError("LANTERN_USAGE", `${basename(p)} is not an SSD table file.`, {
          hint: "SSD exports are one file per table named ssd_<table>.csv, for example ssd_person.csv.",
        });
      }
    }
    // A file named twice (a folder and a file in it, or one path given twice) is read once.
    const once = oncePerFile(files, (f) => f.path);
    const seen = new Map<string, string>();
    for (const f of once) {
      if (!f.table) continue;
      const prev = seen.get(f.table);
      if (prev) throw new LanternError("LANTERN_USAGE", `Two files load ${f.table}: ${prev} and ${f.path}.`, { hint: "Give one file per table." });
      seen.set(f.table, f.path);
    }
    if (!once.some((f) => f.table)) {
      throw new LanternError("LANTERN_NO_FILES", `No ssd_<table>.csv files were found in ${paths.join(", ")}.`, {
        hint: "Point at the folder of an SSD export, or run `lantern generate --out DIR` to make one.",
      });
    }
    return [{ authority, files: once, ...(population ? { population } : {}), ...(unread.length ? { unread } : {}), ...(notFiles.length ? { notFiles } : {}) }];
  }
  const loads: AuthorityFiles[] = [];
  for (const p of paths.map((x) => resolve(x))) {
    const found = statSync(p).isDirectory() ? filesIn(p) : undefined;
    if (!found?.authorities) {
      throw new LanternError("LANTERN_USAGE", "Say which authority the data is for with --authority CODE.", {
        hint: "Only a folder written by `lantern generate` (with authorities.csv) can be imported without --authority.",
      });
    }
    for (const a of readAuthoritiesFile(found.authorities)) {
      const dir = join(p, a.code);
      if (!existsSync(dir)) throw new LanternError("LANTERN_FILE_NOT_FOUND", `authorities.csv lists ${a.code} but ${dir} does not exist.`);
      const inside = filesIn(dir);
      loads.push({ authority: a.code, name: a.name, files: inside.ssd, ...(found.population ? { population: found.population } : {}), ...(inside.unread.length ? { unread: inside.unread } : {}), ...(inside.notFiles.length ? { notFiles: inside.notFiles } : {}) });
    }
  }
  return loads;
}
