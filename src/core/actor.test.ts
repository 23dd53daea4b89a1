import assert from "node:assert/strict";
import { userInfo } from "node:os";
import { test } from "node:test";
import { commandLineUser } from "./actor.ts";

test("the person running a command: LANTERN_USER (trimmed) first, then USER, then the operating-system account", () => {
  assert.equal(commandLineUser({ LANTERN_USER: "  j.smith ", USER: "svc-lantern" }), "j.smith");
  assert.equal(commandLineUser({ LANTERN_USER: "  ", USER: "svc-lantern" }), "svc-lantern", "a blank LANTERN_USER names nobody");
  assert.equal(commandLineUser({}), userInfo().username || "unknown");
});
