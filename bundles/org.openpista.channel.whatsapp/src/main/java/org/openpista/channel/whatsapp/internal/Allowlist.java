package org.openpista.channel.whatsapp.internal;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may talk to the agent: the numbers of {@code allowed_numbers} (compared by their digits, so
 * {@code +49 151 234} and {@code 49151234} are the same), or everybody with {@code "*"}. A refused
 * sender is logged once, not at every message.
 */
final class Allowlist {

    private static final Logger LOG = LoggerFactory.getLogger(Allowlist.class);

    private final Set<String> numbers;
    private final boolean everybody;
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    private Allowlist(Set<String> numbers, boolean everybody) {
        this.numbers = Set.copyOf(numbers);
        this.everybody = everybody;
    }

    static Allowlist of(Collection<String> entries) {
        Set<String> numbers = new LinkedHashSet<>();
        boolean everybody = false;
        for (String entry : entries) {
            if (entry == null) {
                continue;
            }
            if (entry.strip().equals("*")) {
                everybody = true;
            }
            String digits = digits(entry);
            if (!digits.isEmpty()) {
                numbers.add(digits);
            }
        }
        return new Allowlist(numbers, everybody);
    }

    /** @return the digits of a phone number or JID ({@code 4915…:3@s.whatsapp.net} → {@code 4915…}) */
    static String digits(String numberOrJid) {
        String number = numberOrJid;
        int at = number.indexOf('@');
        if (at >= 0) {
            number = number.substring(0, at);
        }
        int colon = number.indexOf(':');
        if (colon >= 0) {
            number = number.substring(0, colon);
        }
        return number.replaceAll("[^0-9]", "");
    }

    /** @return whether no number is allowed (and not everybody) */
    boolean isEmpty() {
        return numbers.isEmpty() && !everybody;
    }

    /** @return whether the sender may talk to the agent; a refusal is logged once per sender */
    boolean allows(String phone) {
        if (everybody || numbers.contains(digits(phone))) {
            return true;
        }
        if (refused.add(digits(phone))) {
            LOG.warn("WhatsApp: ignoring messages from {}: not in [channels.whatsapp] allowed_numbers", mask(phone));
        }
        return false;
    }

    /** @return the number with all but the last four digits hidden, for logs */
    static String mask(String phone) {
        String digits = digits(phone);
        return digits.length() <= 4 ? digits : "…" + digits.substring(digits.length() - 4);
    }

    @Override
    public String toString() {
        return everybody ? "everybody" : numbers.size() + (numbers.size() == 1 ? " number" : " numbers");
    }
}
