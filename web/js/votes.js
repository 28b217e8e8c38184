// Dot votes and group signals as every page reads them, from rooms.js rooms: no DOM.
// A group room's `votes` is what this viewer may see (their own dots; counts only once
// the vote is closed); the workshop room's roster has the vote's state and each group's
// ready ids, help flag and dots cast so far.

const VOTABLE = new Set(["steps", "cards", "pairs"]);

// The vote as this viewer sees it now, or null when there is none: {round, status,
// perPerson, sections, mine, left, counts}. The roster may know of a newer vote than the
// group room has heard of (it opened since): then nothing is cast on it yet.
export function voteState(groupRoom, workshopRoom) {
  const summary = workshopRoom?.roster?.votes;
  const board = groupRoom?.votes;
  const newest = [summary, board].filter((v) => v && v.status && v.status !== "none")
    .sort((a, b) => (b.round || 0) - (a.round || 0))[0];
  if (!newest) return null;
  const same = board && board.round === newest.round ? board : null;
  const closed = [summary, board].some((v) => v && v.round === newest.round && v.status === "closed");
  const perPerson = newest.per_person;
  const mine = same?.mine || {};
  const used = Object.values(mine).reduce((a, b) => a + b, 0);
  return {
    round: newest.round,
    status: closed ? "closed" : "open",
    perPerson,
    sections: newest.sections || [],
    mine,
    left: same && typeof same.left === "number" ? same.left : Math.max(0, perPerson - used),
    counts: closed ? same?.counts || null : null,
    cast: summary && summary.round === newest.round ? summary.cast || 0 : null,
  };
}

// Whether a note (of this template section) takes votes in this vote.
export function votable(state, section, note) {
  if (!state || !section || !VOTABLE.has(section.kind) || (note && note.private)) return false;
  return !state.sections.length || state.sections.includes(section.key);
}

// Notes with their counts, most first (ties: in the order given); `top` marks the notes
// with the highest count (when it is above 0).
export function ranked(notes, counts) {
  const list = notes.map((n, i) => ({ note: n, votes: (counts || {})[n.id] || 0, i }))
    .sort((a, b) => b.votes - a.votes || a.i - b.i);
  const best = list.length ? list[0].votes : 0;
  return list.map(({ note, votes }) => ({ note, votes, top: best > 0 && votes === best }));
}

// A group's readiness: {ready, online, help, all}. `presence`: the group room's
// presence (participants online); `group`: its roster entry. In an anonymous workshop
// presence has no ids: then ready counts everyone ready, at most those online.
export function readiness(group, presence) {
  const online = (presence || []).filter((m) => m.role === "participant");
  const ids = new Set(group?.ready || []);
  const named = online.filter((m) => m.id);
  const ready = named.length === online.length
    ? named.filter((m) => ids.has(m.id)).length
    : Math.min(ids.size, online.length);
  return { ready, online: online.length, help: !!group?.help,
           all: online.length > 0 && ready === online.length };
}
