package org.openpista.channel.mobile.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.felix.service.command.Descriptor;
import org.openpista.channel.support.FrameFields;
import org.openpista.channel.support.Lockout;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The admin shell command {@code openpista:mobile}: the channel's state, its devices and login
 * lockouts, and {@code openpista:mobile unlock}, which lifts every lock and forgets every failure.
 */
@Component(service = MobileCommands.class, property = {"osgi.command.scope=openpista", "osgi.command.function=mobile"})
public final class MobileCommands {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile MobileChannel channel;

    /** @return the state and the lockouts */
    @Descriptor("show the mobile channel's state, devices and login lockouts")
    public String mobile() {
        MobileChannel current = channel;
        StringBuilder text = new StringBuilder("mobile channel: ").append(current == null ? "not running" : current.status())
                .append('\n');
        MobileHub hub = current == null ? null : current.hub();
        if (hub != null) {
            text.append("turns running: ").append(hub.turns().running()).append(", subscriptions: ")
                    .append(hub.subscribers().count()).append('\n');
            Lockout.State state = hub.tokens().lockout().state();
            text.append("lockouts: ").append(state.locked().isEmpty() ? "none" : state.locked().stream()
                    .map(locked -> locked.source() + " for " + time(locked.left())).collect(Collectors.joining(", ")))
                    .append('\n');
            text.append("failed logins in the last ").append(time(Lockout.GLOBAL_WINDOW)).append(": ")
                    .append(state.recentFailures()).append('\n');
        }
        return text.toString();
    }

    /** {@code status} or {@code unlock}. */
    @Descriptor("show the mobile channel (status), or lift every login lockout and forget failed logins (unlock)")
    public String mobile(@Descriptor("status | unlock") String action) {
        switch (action.toLowerCase(Locale.ROOT)) {
            case "status" -> {
                return mobile();
            }
            case "unlock" -> {
                MobileChannel current = channel;
                MobileHub hub = current == null ? null : current.hub();
                if (hub == null) {
                    throw new IllegalStateException("the mobile channel does not serve in this daemon; nothing is locked");
                }
                Lockout.State lifted = hub.tokens().lockout().clear();
                return "Lifted " + lifted.locked().size() + " lockout" + (lifted.locked().size() == 1 ? "" : "s")
                        + "; forgot " + lifted.recentFailures() + " failed login" + (lifted.recentFailures() == 1 ? "" : "s")
                        + ".\n";
            }
            default -> throw new IllegalArgumentException("unknown action \"" + FrameFields.clip(action)
                    + "\"; use: openpista:mobile [status | unlock]");
        }
    }

    /** @return a duration for people: {@code 25 s}, {@code 4 min} */
    static String time(Duration duration) {
        long seconds = Math.max(1, (duration.toMillis() + 999) / 1000);
        return seconds < 120 ? seconds + " s" : (seconds + 59) / 60 + " min";
    }
}
