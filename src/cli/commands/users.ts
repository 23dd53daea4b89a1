/**
 * @module
 * `lantern users`: create and list the people who may sign in to the web application, so the
 * first admin can be made before the server has any. The password comes from standard input
 * (`--password-stdin`, for scripts) or is generated and printed once; it is stored only as an
 * Argon2id hash. Changes are audited as done by the person running the command (`commandLineUser`).
 */

import { randomBytes } from "node:crypto";
import { LanternError } from "../../core/errors.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { checkAreas, checkRole, checkUsername, createUser, findUserByUsername, listUsers, sessionsEndedInWords, setDisabled, setPassword, setRole } from "../../web/auth/users.ts";
import { type Command, parse } from "../command.ts";
import { COMMANDS } from "../main.ts";
import { type Output, table } from "../output.ts";
import { commandLineUser } from "../../core/actor.ts";

const HELP = `lantern users add USERNAME --role ROLE [--areas A,B] [--name "Full Name"] [--password-stdin] [--json]
lantern users role USERNAME --role ROLE [--areas A,B] [--json]
lantern users password USERNAME [--password-stdin] [--json]
lantern users disable USERNAME | lantern users enable USERNAME [--json]
lantern users list [--json]

Manage who may sign in to the web application (lantern serve). Roles:
  admin    users, settings and the audit log, and everything an analyst can do
  analyst  loads data, validation reports, child-level records, targets, commentary, reports
  manager  dashboards, and child-level records only for the areas granted with --areas
  member   aggregate figures only (small numbers suppressed) and published commentary

--name "Full Name" is the person's name, listed beside the user name by \`lantern users list\`
(the user name itself when left out).

Areas: front_door, early_help, children_in_need, child_protection, children_in_care,
care_leavers, missing, send, workforce.

The password is read from standard input with --password-stdin (its first line: 12 to 256
characters, not only spaces, not one character repeated, not the user name and not a common
password such as password1234). Without it, Lantern makes a strong password and prints it once.
Passwords are stored only as Argon2id hashes. Changing a role, password or status ends that
user's sessions; enabling a user who is already enabled (or disabling one already disabled)
changes nothing. Every change goes to the audit log. Only add makes a new store (so the first
admin can be made before any data is loaded); the others refuse a --data folder with no store.
Every subcommand takes --data DIR, the store's folder (env LANTERN_DATA; default ./lantern-data).

With --json each prints one object: add and role {"user":{"username","role","areas"}} (role
adds "sessionsEnded" and "sessionsEndedCount"); password {"user":{"username"},"passwordChanged",
"generated","sessionsEnded","sessionsEndedCount"} (a generated password still goes to standard
error, once); disable and enable {"user":{"username","disabled"},"changed","sessionsEnded",
"sessionsEndedCount"}; list {"users":[...]}. "sessionsEnded" is true only when the change ended
some of the user's sessions; "sessionsEndedCount" says how many (0 when none were open).

Examples:
  lantern users add alice --role admin
  printf '%s\\n' "$PASSWORD" | lantern users add bob --role manager --areas front_door,children_in_need --password-stdin
  lantern users role bob --role analyst --json
  lantern users disable bob
  lantern users list
`;

/**
 * The sessions a change ended, for --json: `sessionsEnded` is true only when some were (it said
 * true for a user with none, while the audit log recorded 0), and `sessionsEndedCount` how many.
 */
function ended(n: number): { sessionsEnded: boolean; sessionsEndedCount: number } {
  return { sessionsEnded: n > 0, sessionsEndedCount: n };
}

async function readFirstLine(stream: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): Promise<string> {
  let text = "";
  for await (const chunk of stream) {
    text += chunk.toString();
    if (text.includes("\n") || text.length > 1024) break;
  }
  return text.split(/\r?\n/)[0] ?? "";
}

/** The command, reading passwords from `stdin` (tests pass their own). */
export function makeUsersCommand(stdin: () => AsyncIterable<Buffer | string> | Iterable<Buffer | string> = () => process.stdin): Command {
  /**
   * The new password, and whether Lantern made it. A made one is printed by the caller only once
   * the change has been saved: a password shown for an account that was never created, or that
   * failed to change, would be handed to someone and then not work.
   */
  async function password(values: { "password-stdin"?: boolean }): Promise<{ pw: string; generated: boolean }> {
    if (values["password-stdin"]) return { pw: await readFirstLine(stdin()), generated: false };
    return { pw: randomBytes(15).toString("base64url"), generated: true };
  }
  const showGenerated = (p: { pw: string; generated: boolean }, o: Output) => {
    if (p.generated) o.err(`Generated password (shown once; give it to the user safely): ${p.pw}\n`);
  };

  async function run(argv: readonly string[], o: Output): Promise<number> {
    const { values, positionals } = parse(
      "users",
      argv,
      { role: { type: "string" }, areas: { type: "string" }, name: { type: "string" }, "password-stdin": { type: "boolean", default: false } },
      { add: ["USERNAME"], list: [], role: ["USERNAME"], password: ["USERNAME"], disable: ["USERNAME"], enable: ["USERNAME"] },
    );
    const [sub, username, ...extra] = positionals;
    const actor = commandLineUser();
    const needUser = () => {
      if (!username || extra.length) throw new LanternError("LANTERN_USAGE", `lantern users ${sub} needs exactly one USERNAME.`, { hint: "Run `lantern users --help` for examples." });
      return username;
    };
    const needRole = () => {
      if (!values.role) throw new LanternError("LANTERN_USAGE", `lantern users ${sub} needs --role admin|analyst|manager|member.`, { hint: "Run `lantern users --help` for examples." });
      // Areas narrow what a manager sees; any other role sees every area, so areas given for it would be dropped unsaid.
      if (values.areas !== undefined && values.role !== "manager") {
        throw new LanternError("LANTERN_USAGE", `--areas applies to managers only: ${/^[aeiou]/.test(values.role) ? "an" : "a"} ${values.role} sees every area.`, { hint: "Leave out --areas, or use --role manager." });
      }
      return values.role;
    };
    const areas = (values.areas ?? "").split(",").filter(Boolean);
    // The subcommands are listed once, in the command table `lantern help users add` reads too.
    const subs = COMMANDS["users"]?.subcommands ?? [];
    if (sub === undefined || !subs.includes(sub)) {
      throw new LanternError("LANTERN_USAGE", sub ? `lantern users has no "${sub}".` : `lantern users needs ${subs.slice(0, -1).join(", ")} or ${subs.at(-1)}.`, { hint: "Run `lantern users --help` for examples." });
    }
    // Only add may make a new store (the first admin can be made before anything is loaded);
    // the others need one, so a mistyped --data is refused rather than left as an empty store.
    const store = await openStore(storeConfig(values.data), { existing: sub !== "add" });
    try {
      switch (sub) {
        case "list": {
          const users = await listUsers(store);
          if (values.json) {
            o.out(`${JSON.stringify({ users: users.map((u) => ({ username: u.username, displayName: u.displayName, role: u.role, areas: u.areas, disabled: u.disabled, sso: u.oidcSubject !== null, createdAt: u.createdAt })) }, null, 2)}\n`);
          } else if (!users.length) {
            o.out("No users yet. Make the first admin: lantern users add NAME --role admin\n");
          } else {
            o.out(table(["user", "name", "role", "areas", "status", "sign-in"], users.map((u) => [u.username, u.displayName, u.role, u.areas.join(","), u.disabled ? "disabled" : "active", u.oidcSubject ? "sso" : u.passwordHash ? "password" : "none"])));
          }
          return 0;
        }
        case "add": {
          // Everything is checked before a password is read or made.
          const name = checkUsername(needUser());
          const role = needRole();
          checkAreas(checkRole(role), areas);
          if (await findUserByUsername(store, name)) {
            throw new LanternError("LANTERN_AUTH_USER_EXISTS", `There is already a user called ${name}.`, { hint: "Choose another name, or change that user's role with `lantern users role`." });
          }
          const pw = await password(values);
          const u = await createUser(store, { username: name, role, areas, password: pw.pw, ...(values.name ? { displayName: values.name } : {}) }, actor);
          showGenerated(pw, o);
          if (values.json) o.out(`${JSON.stringify({ user: { username: u.username, role: u.role, areas: u.areas } }, null, 2)}\n`);
          else o.out(`Added ${u.username} (${u.role}${u.areas.length ? `: ${u.areas.join(", ")}` : ""}).\n`);
          return 0;
        }
        case "role": {
          const u = await setRole(store, needUser(), needRole(), areas, actor);
          if (values.json) o.out(`${JSON.stringify({ user: { username: u.username, role: u.role, areas: u.areas }, ...ended(u.sessionsEnded) }, null, 2)}\n`);
          else o.out(`${u.username} is now ${u.role}${u.areas.length ? ` (${u.areas.join(", ")})` : ""}; ${sessionsEndedInWords(u.sessionsEnded)}.\n`);
          return 0;
        }
        case "password": {
          const name = needUser();
          if (!(await findUserByUsername(store, name))) {
            throw new LanternError("LANTERN_AUTH_USER_NOT_FOUND", `There is no user called ${name.slice(0, 80)}.`, { hint: "Run `lantern users list` to see the users." });
          }
          const pw = await password(values);
          const { sessionsEnded } = await setPassword(store, name, pw.pw, actor);
          showGenerated(pw, o);
          if (values.json) o.out(`${JSON.stringify({ user: { username: name }, passwordChanged: true, generated: pw.generated, ...ended(sessionsEnded) }, null, 2)}\n`);
          else o.out(`The password of ${name} is changed; ${sessionsEndedInWords(sessionsEnded)}.\n`);
          return 0;
        }
        default: {
          const name = needUser();
          const { changed, sessionsEnded } = await setDisabled(store, name, sub === "disable", actor);
          if (values.json) o.out(`${JSON.stringify({ user: { username: name, disabled: sub === "disable" }, changed, ...ended(sessionsEnded) }, null, 2)}\n`);
          else o.out(changed ? `${name} is ${sub}d.\n` : `${name} is already ${sub}d; nothing was changed.\n`);
          return 0;
        }
      }
    } finally {
      await store.close();
    }
  }

  return { name: "users", help: HELP, run };
}

export const usersCommand: Command = makeUsersCommand();
