package org.openpista.doctor.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openpista.api.admin.DaemonClient;
import org.openpista.api.doctor.DoctorCheck;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Whether the ports the daemon will listen on are free: every configuration of the loaded
 * config.toml with a {@code port} that is not switched off ({@code enabled = false}), whichever
 * bundle reads it (the web chat, metrics, a plugin's channel). When the daemon runs, the ports are
 * its own and are not probed.
 */
@Component(property = DoctorCheck.ORDER + ":Integer=60")
public final class PortCheck implements DoctorCheck {

    private final ConfigurationAdmin configurations;

    /** Whether a daemon runs; optional, as the shell bundle that provides it is in another feature. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile DaemonClient daemon;

    @Activate
    public PortCheck(@Reference ConfigurationAdmin configurations) {
        this.configurations = configurations;
    }

    @Override
    public String area() {
        return "ports";
    }

    @Override
    public List<CheckResult> check(Options options) {
        DaemonClient client = daemon;
        if (client != null && client.running().isPresent()) {
            return List.of(CheckResult.skipped("the daemon runs and holds its ports"));
        }
        Map<String, Listener> listeners = new TreeMap<>();
        try {
            Configuration[] all = configurations.listConfigurations("(port=*)");
            for (Configuration configuration : all == null ? new Configuration[0] : all) {
                Dictionary<String, Object> properties = configuration.getProperties();
                if (properties == null || Boolean.FALSE.equals(bool(properties.get("enabled")))) {
                    continue;
                }
                Integer port = integer(properties.get("port"));
                if (port == null || port <= 0 || port > 65535) {
                    continue;
                }
                Object bind = properties.get("bind");
                String pid = configuration.getFactoryPid() != null ? configuration.getFactoryPid() : configuration.getPid();
                listeners.put(pid, new Listener(pid, bind == null ? "127.0.0.1" : bind.toString().strip(), port));
            }
        } catch (IOException | InvalidSyntaxException e) {
            return List.of(CheckResult.warn("cannot read the configurations: " + e.getMessage(), ""));
        }
        if (listeners.isEmpty()) {
            return List.of(CheckResult.skipped("no configured listener"));
        }
        List<CheckResult> results = new ArrayList<>();
        for (Listener listener : listeners.values()) {
            results.add(probe(listener));
        }
        return results;
    }

    /** A configured listening address. */
    record Listener(String pid, String bind, int port) {}

    static CheckResult probe(Listener listener) {
        String what = "port " + listener.port() + " on " + listener.bind() + " (" + listener.pid() + ")";
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(listener.bind()), listener.port()));
            return CheckResult.ok(what + " is free");
        } catch (IOException e) {
            return CheckResult.fail(what + " is taken: " + e.getMessage(),
                    "stop the program using it (ss -ltnp 'sport = :" + listener.port() + "') or choose another port "
                            + "in config.toml");
        }
    }

    private static Boolean bool(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        return value == null ? null : Boolean.valueOf(value.toString().strip());
    }

    private static Integer integer(Object value) {
        if (value instanceof Number number) {
            return number.intValue();
        }
        try {
            return value == null ? null : Integer.valueOf(value.toString().strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
