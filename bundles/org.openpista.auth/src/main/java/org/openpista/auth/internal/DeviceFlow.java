package org.openpista.auth.internal;

import java.time.Duration;
import java.time.Instant;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.FlowType;
import org.openpista.api.auth.LoginResult;

/**
 * GitHub Copilot's login: a device code the user enters on GitHub's device page, polled at the
 * interval GitHub asks for (longer after {@code slow_down}); the GitHub token is then exchanged
 * for a Copilot token, and kept to get the next one when that expires.
 */
final class DeviceFlow extends AbstractFlow {

    private final String provider;
    private final Endpoints endpoints;
    private final VendorClient vendor;
    private final Logins logins;
    private final VendorClient.Device device;

    private DeviceFlow(String provider, Duration timeout, Endpoints endpoints, VendorClient vendor, Logins logins,
            VendorClient.Device device) {
        super(provider, FlowType.DEVICE_CODE, device.verificationUri(), timeout);
        this.provider = provider;
        this.endpoints = endpoints;
        this.vendor = vendor;
        this.logins = logins;
        this.device = device;
    }

    static DeviceFlow start(String provider, Endpoints endpoints, VendorClient vendor, Logins logins, Duration timeout)
            throws AuthException {
        BrowserFlow.require(endpoints.deviceUrl(), provider, "device_url");
        BrowserFlow.require(endpoints.tokenUrl(), provider, "token_url");
        BrowserFlow.require(endpoints.copilotTokenUrl(), provider, "copilot_token_url");
        DeviceFlow flow = new DeviceFlow(provider, timeout, endpoints, vendor, logins, vendor.githubDevice(endpoints));
        flow.start();
        return flow;
    }

    @Override
    public String userCode() {
        return device.userCode();
    }

    @Override
    LoginResult run() throws AuthException, Timeout, InterruptedException {
        Duration interval = device.interval();
        while (true) {
            if (remaining().compareTo(interval) < 0 || Instant.now().plus(interval).isAfter(device.expiresAt())) {
                throw new Timeout();
            }
            Thread.sleep(interval.toMillis());
            VendorClient.Poll poll = vendor.githubPoll(endpoints, device.deviceCode());
            if (!poll.token().isEmpty()) {
                StoredLogin login = vendor.copilotToken(endpoints, poll.token(), "");
                logins.save(provider, login);
                return new LoginResult(provider, true, "logged in to GitHub Copilot", "");
            }
            switch (poll.error()) {
                case "authorization_pending" -> {
                    // the user has not entered the code yet
                }
                case "slow_down" -> interval = interval.plusSeconds(5);
                case "access_denied" -> throw new AuthException("the GitHub login was declined on the device page");
                case "expired_token" -> throw new AuthException("the GitHub device code expired; run the login again");
                default -> throw new AuthException("the GitHub device login failed: " + poll.error()
                        + (poll.description().isEmpty() ? "" : " (" + poll.description() + ")"));
            }
        }
    }
}
