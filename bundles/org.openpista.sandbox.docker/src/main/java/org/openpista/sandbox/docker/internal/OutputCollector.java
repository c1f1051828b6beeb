package org.openpista.sandbox.docker.internal;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.nio.charset.StandardCharsets;

/**
 * Collects a container's attached stdout and stderr: the first {@code limit} characters of each,
 * a count of what was dropped, and the last few hundred characters of stdout, where the worker's
 * report line is, whatever the task printed before it.
 */
final class OutputCollector extends ResultCallback.Adapter<Frame> {

    private static final int TAIL = 512;

    private final int limit;
    private final StringBuilder stdout = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();
    private final StringBuilder tail = new StringBuilder();
    private long droppedOut;
    private long droppedErr;

    OutputCollector(int limit) {
        this.limit = Math.max(0, limit);
    }

    @Override
    public synchronized void onNext(Frame frame) {
        String text = new String(frame.getPayload(), StandardCharsets.UTF_8);
        if (frame.getStreamType() == StreamType.STDERR) {
            droppedErr += append(stderr, text);
        } else {
            droppedOut += append(stdout, text);
            tail.append(text);
            if (tail.length() > TAIL) {
                tail.delete(0, tail.length() - TAIL);
            }
        }
    }

    private long append(StringBuilder into, String text) {
        int room = Math.max(0, limit - into.length());
        int take = Math.min(room, text.length());
        into.append(text, 0, take);
        return text.length() - take;
    }

    /** @return the tail of stdout, where the worker's report is */
    synchronized String tail() {
        return tail.toString();
    }

    /** @return stdout cut at the limit (with a marker), or whole when it fit */
    synchronized String stdout() {
        return droppedOut == 0 ? stdout.toString() : stdout + "\n[... " + droppedOut + " more characters cut]";
    }

    /** @return whether stdout fit in the limit, so the report can be cut off its end */
    synchronized boolean stdoutComplete() {
        return droppedOut == 0;
    }

    synchronized String stderr() {
        return droppedErr == 0 ? stderr.toString() : stderr + "\n[... " + droppedErr + " more characters cut]";
    }
}
