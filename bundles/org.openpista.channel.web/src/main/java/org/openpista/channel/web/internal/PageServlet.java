package org.openpista.channel.web.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.openpista.api.model.ModelChoice;
import org.openpista.channel.support.FrameFields;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * Everything but the WebSocket, a whiteboard servlet while the {@link WebChat} serves: the chat page
 * ({@code /}, {@code /s/{session_id}}), its files, {@code GET /health} and {@code POST /auth}, which
 * trades the configured token for a session token. Every response carries the {@link
 * SecurityHeaders}; requests for another host name than this machine's (DNS rebinding) and from
 * origins that are not allowed are refused. Longer patterns of other bundles (the Telegram webhook)
 * win over this one.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/*")
@HttpWhiteboardServletName("openpista-web")
public final class PageServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient ChatHub hub;
    private final transient OriginPolicy origins;
    private final transient StaticFiles files;
    private final transient Supplier<ModelChoice> model;

    @Activate
    public PageServlet(@Reference WebChat chat) {
        this(chat.hub(), chat.origins(), chat.files(), chat::currentModel);
    }

    PageServlet(ChatHub hub, OriginPolicy origins, StaticFiles files, Supplier<ModelChoice> model) {
        this.hub = hub;
        this.origins = origins;
        this.files = files;
        this.model = model;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SecurityHeaders.apply(response);
        String host = request.getHeader("Host");
        if (!origins.hostAllowed(host)) {
            plain(response, 421, "This server answers only to this machine's own names (localhost, 127.0.0.1).");
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String method = request.getMethod();
        switch (path) {
            case "/auth" -> {
                switch (method) {
                    case "POST" -> auth(request, response);
                    case "OPTIONS" -> preflight(request, response);
                    default -> notAllowed(response, "POST, OPTIONS");
                }
            }
            case "/health" -> {
                if (method.equals("GET") || method.equals("HEAD")) {
                    health(request, response);
                } else if (method.equals("OPTIONS")) {
                    preflight(request, response);
                } else {
                    notAllowed(response, "GET, HEAD, OPTIONS");
                }
            }
            default -> {
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    notAllowed(response, "GET, HEAD");
                } else if (path.equals("/") || path.startsWith("/s/")) {
                    page(response, "index.html", method);
                } else {
                    page(response, path, method);
                }
            }
        }
    }

    private void page(HttpServletResponse response, String path, String method) throws IOException {
        Optional<StaticFiles.Asset> asset = files.find(path);
        if (asset.isEmpty()) {
            plain(response, 404, "Not found");
            return;
        }
        response.setStatus(200);
        response.setContentType(asset.get().contentType());
        response.setContentLength(asset.get().bytes().length);
        if (!method.equals("HEAD")) {
            response.getOutputStream().write(asset.get().bytes());
        }
    }

    private void health(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!cors(request, response)) {
            return;
        }
        ObjectNode body = Frames.JSON.createObjectNode()
                .put("status", "ok")
                .put("channel", ChatHub.CHANNEL)
                .put("clients", hub.connectionCount())
                .put("auth_required", hub.authenticator().tokenRequired());
        json(response, 200, body);
    }

    private void auth(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!cors(request, response)) {
            return;
        }
        String address = request.getRemoteAddr();
        Authenticator authenticator = hub.authenticator();
        if (!authenticator.lockedFor(address).isZero()) {
            lockedOut(response, authenticator.lockedFor(address).toSeconds());
            return;
        }
        if (request.getContentLengthLong() > WebSettings.PRE_AUTH_LIMIT) {
            failure(response, 413, "The request is too large.");
            return;
        }
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = in.readNBytes(WebSettings.PRE_AUTH_LIMIT + 1);
        }
        if (bytes.length > WebSettings.PRE_AUTH_LIMIT) {
            failure(response, 413, "The request is too large.");
            return;
        }
        JsonNode body;
        try {
            body = Frames.JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            failure(response, 400, "Expected a JSON object {\"token\": \"...\"}.");
            return;
        }
        JsonNode token = body.get("token");
        JsonNode clientNode = body.get("client_id");
        String clientId = null;
        // an empty client_id is the original client's first visit (nothing in its storage yet): it gets a new one
        if (clientNode != null && !clientNode.isNull() && !(clientNode.isTextual() && clientNode.textValue().isBlank())) {
            if (!clientNode.isTextual() || !FrameFields.validId(clientNode.textValue())) {
                failure(response, 400, "client_id must be a string of 1 to 200 characters.");
                return;
            }
            clientId = clientNode.textValue();
        }
        Authenticator.Verdict verdict = authenticator.checkToken(address, token != null && token.isTextual() ? token.textValue() : null);
        switch (verdict.outcome()) {
            case REJECTED -> failure(response, 401, "Invalid token");
            case LOCKED_OUT -> lockedOut(response, verdict.retryAfter().toSeconds());
            case ACCEPTED -> {
                String client = clientId != null ? clientId : UUID.randomUUID().toString();
                Authenticator.Grant grant = authenticator.issue(client);
                ObjectNode answer = Frames.JSON.createObjectNode()
                        .put("success", true)
                        .put("session_token", grant.token())
                        .put("client_id", client)
                        .put("expires_at", Frames.time(grant.expiresAt()));
                ModelChoice choice = model.get();
                if (choice != null) {
                    answer.put("provider", choice.provider()).put("model", choice.model());
                }
                json(response, 200, answer);
            }
        }
    }

    /** Applies CORS; refuses (403) a browser request from an origin that is not allowed. */
    private boolean cors(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String origin = request.getHeader("Origin");
        String host = request.getHeader("Host");
        if (!origins.allows(origin, host)) {
            failure(response, 403, "This origin is not allowed; add it to [channels.web] cors_origins.");
            return false;
        }
        String allow = origins.corsHeader(origin, host);
        if (allow != null) {
            response.setHeader("Access-Control-Allow-Origin", allow);
            response.setHeader("Vary", "Origin");
        }
        return true;
    }

    private void preflight(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!cors(request, response)) {
            return;
        }
        response.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        response.setHeader("Access-Control-Allow-Headers", "Content-Type");
        response.setHeader("Access-Control-Max-Age", "600");
        response.setStatus(204);
    }

    private static void lockedOut(HttpServletResponse response, long seconds) throws IOException {
        response.setHeader("Retry-After", Long.toString(Math.max(1, seconds)));
        failure(response, 429, "Too many failed attempts; try again in " + Math.max(1, seconds) + " s.");
    }

    private static void failure(HttpServletResponse response, int status, String error) throws IOException {
        json(response, status, Frames.JSON.createObjectNode().put("success", false).put("error", error));
    }

    private static void notAllowed(HttpServletResponse response, String allowed) throws IOException {
        response.setHeader("Allow", allowed);
        plain(response, 405, "Method not allowed");
    }

    static void json(HttpServletResponse response, int status, JsonNode body) throws IOException {
        byte[] bytes = Frames.text(body).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    static void plain(HttpServletResponse response, int status, String text) throws IOException {
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain; charset=utf-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
