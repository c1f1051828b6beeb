package org.openpista.channel.mobile.internal;

/**
 * An authenticated device.
 *
 * @param id the {@code device_id} of its {@code auth} frame
 * @param address where its connection comes from, for the lockout and the log
 */
record Device(String id, String address) {

    /** @return its conversation, and the session it starts in: {@code mobile:<device_id>} */
    String conversationKey() {
        return MobileHub.CHANNEL + ":" + id;
    }
}
