// How book_extensions/static/tables.js spreads its work over a page's tables (queue): a
// few at once, then one per task, and everything left at once (before printing). Run with
// `node --test tests/js/` (tests/test_sortable_table.py runs it under pytest).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const { queue } = require("../../book_extensions/static/tables.js");

// A queue over `items` whose tasks wait in `tasks` until the test runs them.
function setUp(items) {
  const done = [];
  const tasks = [];
  let ready = 0;
  const work = queue(items, (some) => done.push(some), (fn) => tasks.push(fn), () => { ready += 1; });
  const runTask = () => tasks.shift()();
  return { work, done, tasks, runTask, ready: () => ready };
}

test("the tables on screen first, together; then one table per task, in page order", () => {
  const { work, done, tasks, runTask, ready } = setUp(["a", "b", "c", "d"]);
  work.now(["c", "a"]);
  assert.deepEqual(done, [["a", "c"]]);
  work.next();
  assert.deepEqual(done.at(-1), ["b"]);
  assert.equal(tasks.length, 1, "the next table waits for a task of its own");
  assert.equal(ready(), 0);
  runTask();
  assert.deepEqual(done.at(-1), ["d"]);
  assert.equal(tasks.length, 0, "nothing is scheduled once every table is done");
  assert.equal(ready(), 1);
});

test("printing does what is left at once, and the tasks already scheduled find nothing to do", () => {
  const { work, done, tasks, runTask, ready } = setUp(["a", "b", "c"]);
  work.next();
  work.now(["a", "b", "c"]);
  assert.deepEqual(done, [["a"], ["b", "c"]]);
  assert.equal(ready(), 1);
  while (tasks.length) { runTask(); }
  work.now(["a", "b", "c"]);
  assert.deepEqual(done, [["a"], ["b", "c"]], "a table is never done twice");
  assert.equal(ready(), 1, "ready is said once");
});

test("a page without tables is ready at once", () => {
  const { work, done, ready } = setUp([]);
  work.now([]);
  assert.deepEqual(done, []);
  assert.equal(ready(), 1);
});
