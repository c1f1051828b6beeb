package org.openpista.channel.whatsapp.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the latest messages received, so a delivery WhatsApp repeats (it retries until it
 * gets a 200, and sometimes sends twice anyway) is handled once. Keeps a bounded number of ids.
 */
final class SeenMessages {

    private final Map<String, Boolean> ids;

    SeenMessages(int capacity) {
        this.ids = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** @return true the first time an id is seen, false after */
    synchronized boolean firstTime(String id) {
        return ids.put(id, Boolean.TRUE) == null;
    }

    /** @return whether an id was seen, without noting it */
    synchronized boolean contains(String id) {
        return ids.containsKey(id);
    }
}
