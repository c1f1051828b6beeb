package org.openpista.core.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.openpista.api.channel.ChannelAdapter;

/** A channel that records what the agent delivers to it. */
final class RecordingChannel implements ChannelAdapter {

    /** One delivered message. */
    record Delivered(String target, String text) {}

    final String id;
    final List<Delivered> delivered = new CopyOnWriteArrayList<>();

    RecordingChannel(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String status() {
        return delivered.size() + " delivered";
    }

    @Override
    public void deliver(String target, String text) {
        delivered.add(new Delivered(target, text));
    }

    List<String> texts() {
        return delivered.stream().map(Delivered::text).toList();
    }
}
