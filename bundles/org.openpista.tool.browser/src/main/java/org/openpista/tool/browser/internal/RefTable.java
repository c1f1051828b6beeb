package org.openpista.tool.browser.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The refs of one tab ({@code e1}, {@code e2}, …): an element keeps its ref across snapshots of
 * the same document, and refs are never reused within the tab, so a ref from an earlier page is
 * recognised as stale rather than pointing at something else.
 */
final class RefTable {

    private static final Pattern REF = Pattern.compile("(?:\\[?ref=)?([a-z]?)(\\d{1,9})]?");

    /** Where a ref points. */
    enum State {
        /** An element of the current document. */
        CURRENT,
        /** An element of an earlier document of this tab, or one removed from the page. */
        STALE,
        /** Never given out. */
        UNKNOWN
    }

    /**
     * What is known about a ref.
     *
     * @param ref the ref, normalised ({@code e5})
     * @param state where it points
     * @param backendId the DOM node of a current ref
     * @param role the element's role when the ref was given
     * @param name the element's name when the ref was given
     */
    record Lookup(String ref, State state, int backendId, String role, String name) {

        /** @return how messages name the element: {@code button "Go" [ref=e6]} */
        String describe() {
            return role + (name.isEmpty() ? "" : " \"" + name + "\"") + " [ref=" + ref + "]";
        }
    }

    private record Entry(int backendId, int generation, String role, String name) {}

    private final Map<Integer, String> byBackendId = new HashMap<>();
    private final Map<String, Entry> byRef = new HashMap<>();
    private int next = 1;
    private int generation;
    private Set<Integer> seen = Set.of();
    private boolean snapshotTaken;

    /** @return the ref of an element of the current document, given out now if it has none */
    synchronized String refFor(int backendId, String role, String name) {
        String ref = byBackendId.get(backendId);
        if (ref == null) {
            ref = "e" + next++;
            byBackendId.put(backendId, ref);
        }
        byRef.put(ref, new Entry(backendId, generation, role, name));
        return ref;
    }

    /** The tab shows a new document: every ref given so far is stale. */
    synchronized void newDocument() {
        generation++;
        byBackendId.clear();
        seen = Set.of();
        snapshotTaken = false;
    }

    /** An element is gone from the page: its ref is stale. */
    synchronized void removed(int backendId) {
        String ref = byBackendId.remove(backendId);
        if (ref != null) {
            Entry entry = byRef.get(ref);
            byRef.put(ref, new Entry(entry.backendId, -1, entry.role, entry.name));
        }
    }

    /** @return the refs of the current document with their DOM nodes, in the order they were given */
    synchronized java.util.List<Lookup> current() {
        java.util.List<Lookup> current = new java.util.ArrayList<>();
        byRef.forEach((ref, entry) -> {
            if (entry.generation == generation && ref.equals(byBackendId.get(entry.backendId))) {
                current.add(new Lookup(ref, State.CURRENT, entry.backendId, entry.role, entry.name));
            }
        });
        current.sort(java.util.Comparator.comparingInt(lookup -> Integer.parseInt(lookup.ref().substring(1))));
        return current;
    }

    /** @return the elements shown by the latest snapshot of this document, to mark what is new */
    synchronized Set<Integer> seen() {
        return seen;
    }

    /** @return whether a snapshot of this document was taken before */
    synchronized boolean hasSnapshot() {
        return snapshotTaken;
    }

    /** Records what the latest snapshot showed. */
    synchronized void snapshotShowed(Set<Integer> backendIds) {
        seen = Set.copyOf(new HashSet<>(backendIds));
        snapshotTaken = true;
    }

    /**
     * @param text a ref as the model wrote it: {@code e5}, {@code E5}, {@code [ref=e5]} or {@code 5}
     * @return what the ref points at
     */
    synchronized Lookup lookup(String text) {
        String ref = normalise(text);
        Entry entry = ref == null ? null : byRef.get(ref);
        if (entry == null) {
            return new Lookup(ref == null ? text.strip() : ref, State.UNKNOWN, 0, "", "");
        }
        State state = entry.generation == generation && ref.equals(byBackendId.get(entry.backendId))
                ? State.CURRENT
                : State.STALE;
        return new Lookup(ref, state, entry.backendId, entry.role, entry.name);
    }

    /** @return the ref in its canonical form, or {@code null} when the text is no ref */
    static String normalise(String text) {
        Matcher matcher = REF.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches() || !(matcher.group(1).isEmpty() || matcher.group(1).equals("e"))) {
            return null;
        }
        return "e" + Integer.parseInt(matcher.group(2));
    }
}
