import { test } from "node:test";
import assert from "node:assert/strict";
import { voteState, votable, ranked, readiness } from "../../web/js/votes.js";

const open = { round: 2, status: "open", per_person: 3, sections: ["ideas"], cast: 4 };

test("no vote: no state", () => {
  assert.equal(voteState({ votes: { status: "none" } }, { roster: { votes: { status: "none" } } }), null);
  assert.equal(voteState(null, null), null);
});

test("a vote the group room has not heard of yet starts with the whole budget", () => {
  const s = voteState({ votes: { round: 1, status: "closed", counts: { a: 2 } } }, { roster: { votes: open } });
  assert.deepEqual(s, { round: 2, status: "open", perPerson: 3, sections: ["ideas"], mine: {}, left: 3, counts: null, cast: 4 });
});

test("the voter's own dots and what is left come from the group room", () => {
  const s = voteState({ votes: { round: 2, status: "open", per_person: 3, sections: ["ideas"], mine: { a: 2 }, left: 1 } }, { roster: { votes: open } });
  assert.deepEqual(s.mine, { a: 2 });
  assert.equal(s.left, 1);
  assert.equal(s.counts, null);
});

test("counts show only once the vote is closed", () => {
  const board = { votes: { round: 2, status: "closed", counts: { a: 5 }, mine: {} } };
  assert.deepEqual(voteState(board, { roster: { votes: open } }).counts, { a: 5 });
  const summaryClosed = { roster: { votes: { ...open, status: "closed" } } };
  assert.equal(voteState({ votes: { round: 2, status: "open", mine: {} } }, summaryClosed).status, "closed");
});

test("only shared notes of the voted note sections take votes", () => {
  const s = { sections: ["ideas"] };
  assert.equal(votable(s, { key: "ideas", kind: "cards" }, { private: false }), true);
  assert.equal(votable(s, { key: "ideas", kind: "cards" }, { private: true }), false);
  assert.equal(votable(s, { key: "other", kind: "cards" }, {}), false);
  assert.equal(votable({ sections: [] }, { key: "pick", kind: "pick" }, {}), false);
  assert.equal(votable({ sections: [] }, { key: "steps", kind: "steps" }, {}), true);
  assert.equal(votable(null, { key: "ideas", kind: "cards" }, {}), false);
});

test("results are sorted by votes and the top notes are marked", () => {
  const out = ranked([{ id: "a" }, { id: "b" }, { id: "c" }], { b: 3, c: 3, a: 1 });
  assert.deepEqual(out.map((r) => [r.note.id, r.votes, r.top]), [["b", 3, true], ["c", 3, true], ["a", 1, false]]);
  assert.equal(ranked([{ id: "a" }], {})[0].top, false);
});

test("a group is ready when every participant online is", () => {
  const presence = [{ id: "p1", role: "participant" }, { id: "p2", role: "participant" }, { id: "facilitator", role: "facilitator" }];
  assert.deepEqual(readiness({ ready: ["p1"], help: true }, presence), { ready: 1, online: 2, help: true, all: false });
  assert.equal(readiness({ ready: ["p1", "p2", "p9"] }, presence).all, true);
  assert.equal(readiness({ ready: [] }, []).all, false);
  // Anonymous presence: no ids, counted.
  assert.deepEqual(readiness({ ready: ["p1"] }, [{ id: "", role: "participant" }, { id: "", role: "participant" }]),
    { ready: 1, online: 2, help: false, all: false });
});
