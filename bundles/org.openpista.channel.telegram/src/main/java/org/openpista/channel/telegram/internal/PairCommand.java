package org.openpista.channel.telegram.internal;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.felix.service.command.Descriptor;
import org.openpista.api.channel.ChannelAdapter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin shell command {@code openpista:pair}: lists Telegram pairing requests and approved
 * users, approves or denies a code, revokes a user. Registered for Gogo by the command whiteboard
 * ({@code osgi.command.scope} / {@code osgi.command.function}), so it appears in whichever shell
 * runs in the daemon. On approval the user is told in their chat.
 */
@Component(service = PairCommand.class, property = {"osgi.command.scope=openpista", "osgi.command.function=pair"})
public final class PairCommand {

    private static final Logger LOG = LoggerFactory.getLogger(PairCommand.class);

    private final Pairings pairings;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(" + ChannelAdapter.CHANNEL + "=" + UpdateHandler.CHANNEL + ")")
    volatile ChannelAdapter telegram;

    @Activate
    public PairCommand(@Reference Pairings pairings) {
        this.pairings = pairings;
    }

    /** @return the pending codes and the paired users */
    @Descriptor("list Telegram pairing requests and the users approved by pairing")
    public String pair() {
        return list();
    }

    /** One-word actions: {@code list}. */
    @Descriptor("list Telegram pairing requests and approved users")
    public String pair(@Descriptor("list") String action) {
        if (!action.equalsIgnoreCase("list")) {
            throw new IllegalArgumentException(usage());
        }
        return list();
    }

    /** {@code approve CODE}, {@code deny CODE}, {@code revoke USER_ID}. */
    @Descriptor("approve or deny a Telegram pairing code, or revoke a paired user")
    public String pair(@Descriptor("approve | deny | revoke") String action,
            @Descriptor("the pairing code (approve, deny) or the numeric user id (revoke)") String argument) {
        switch (action.toLowerCase(Locale.ROOT)) {
            case "approve" -> {
                Pairings.Pending request = pairings.approve(argument)
                        .orElseThrow(() -> new IllegalArgumentException("no pairing request with code " + Pairings.normalise(argument)
                                + " (wrong, already used, or older than an hour); 'openpista:pair list' shows the open ones"));
                notifyUser(request, "✅ The owner approved you. Send me a message to start.");
                return "approved Telegram user id " + request.userId() + " (" + request.name() + ")";
            }
            case "deny" -> {
                Optional<Pairings.Pending> request = pairings.deny(argument);
                return request.map(r -> "denied code " + r.code() + " of Telegram user id " + r.userId())
                        .orElseThrow(() -> new IllegalArgumentException("no pairing request with code " + Pairings.normalise(argument)));
            }
            case "revoke" -> {
                long userId;
                try {
                    userId = Long.parseLong(argument.strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("revoke takes a numeric Telegram user id, not " + argument);
                }
                if (!pairings.revoke(userId)) {
                    throw new IllegalArgumentException("Telegram user id " + userId + " is not paired"
                            + " (users in [channels.telegram] allowed_users are removed in config.toml)");
                }
                return "revoked Telegram user id " + userId;
            }
            default -> throw new IllegalArgumentException(usage());
        }
    }

    private String list() {
        List<Pairings.Pending> pending = pairings.pending();
        List<Pairings.Approved> approved = pairings.approved();
        StringBuilder text = new StringBuilder();
        text.append("pending pairing requests: ").append(pending.isEmpty() ? "none" : pending.size()).append('\n');
        for (Pairings.Pending request : pending) {
            text.append(String.format("  %s  user id %d  %s  (chat %d, %s)%n", request.code(), request.userId(), request.name(),
                    request.chatId(), request.issuedAt()));
        }
        text.append("paired users: ").append(approved.isEmpty() ? "none" : approved.size()).append('\n');
        for (Pairings.Approved user : approved) {
            text.append(String.format("  user id %d  %s  (since %s)%n", user.userId(), user.name(), user.approvedAt()));
        }
        return text.toString().stripTrailing();
    }

    private void notifyUser(Pairings.Pending request, String text) {
        ChannelAdapter channel = telegram;
        if (channel == null) {
            return;
        }
        try {
            channel.deliver(Long.toString(request.chatId()), text);
        } catch (Exception e) {
            LOG.warn("Could not tell Telegram user id {} about the approval: {}", request.userId(), e.getMessage());
        }
    }

    private static String usage() {
        return "usage: pair [list] | pair approve CODE | pair deny CODE | pair revoke USER_ID";
    }
}
