// What every part of the board shares: the sync client, the activity template, the
// group's and workshop's rooms, and the questions every panel asks (may I write here?).

export function createBoardContext({ client, template }) {
  const ctx = {
    client,
    template,
    groupRoom: null,
    workshopRoom: null,
    // note id -> {x, y} while our own move is in flight, so an older echo cannot undo it.
    localPos: new Map(),
    // Set by the editor module: openEditor(section, note, position).
    openEditor: () => {},

    phase() { return ctx.workshopRoom ? client.room(ctx.workshopRoom).phase : null; },

    isWritable(key) {
      const p = ctx.phase();
      return !!p && (p.status === "running" || p.status === "paused") && (p.writable || []).includes(key);
    },

    group() { return client.room(ctx.groupRoom); },

    notesOf(sectionKey) {
      return [...ctx.group().notes.values()].filter((n) => n.section === sectionKey);
    },

    note(id) { return ctx.group().notes.get(id); },

    op(kind, data) { return client.op(ctx.groupRoom, kind, data); },

    // Names of the others in the group who have this note open in their editor.
    editorsOf(noteId) {
      const members = ctx.groupRoom ? ctx.group().presence || [] : [];
      return members.filter((m) => m.editing === noteId && m.id !== client.you?.id).map((m) => m.name);
    },
  };
  return ctx;
}
