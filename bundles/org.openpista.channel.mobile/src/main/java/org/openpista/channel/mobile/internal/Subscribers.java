package org.openpista.channel.mobile.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The devices that keep a {@code subscribe} stream open: they hear approval questions of their
 * session whichever stream (or channel) started the turn, and messages nobody asked for (a cron
 * job's answer).
 */
final class Subscribers {

    /**
     * @param deviceId the device
     * @param sessionId the session it watches
     * @param feed its stream's frames
     */
    record Subscription(String deviceId, String sessionId, Feed feed) {}

    private final Set<Subscription> all = ConcurrentHashMap.newKeySet();

    void add(Subscription subscription) {
        all.add(subscription);
    }

    void remove(Subscription subscription) {
        all.remove(subscription);
    }

    int count() {
        return all.size();
    }

    /** @return whether a device watches the session */
    boolean watching(String sessionId) {
        return all.stream().anyMatch(subscription -> subscription.sessionId().equals(sessionId) && !subscription.feed().done());
    }

    /** Pushes a frame to the devices that watch the session. */
    void push(String sessionId, ObjectNode frame) {
        for (Subscription subscription : all) {
            if (subscription.sessionId().equals(sessionId)) {
                subscription.feed().push(frame);
            }
        }
    }

    /**
     * Pushes a message nobody asked for to the subscriptions of a device, or of a session.
     *
     * @return how many got it
     */
    int deliver(String target, String text) {
        int count = 0;
        for (Subscription subscription : all) {
            if ((subscription.deviceId().equals(target) || subscription.sessionId().equals(target))
                    && !subscription.feed().done()) {
                subscription.feed().push(Frames.response(subscription.sessionId(), null, text, false).put("unsolicited", true));
                count++;
            }
        }
        return count;
    }

    void closeAll() {
        all.forEach(subscription -> subscription.feed().close());
        all.clear();
    }
}
