package io.edgeai.gateway.mqtt.internal.group;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.GroupMembership;
import io.edgeai.gateway.api.InboundMessage;

/**
 * A group's live members, read from the retained status messages every gateway publishes on its status
 * topic ({@code {"clientId":..,"status":"online"|"offline","group":..}}: the birth message on connect, the
 * last will when the broker loses it, an explicit offline on a clean stop). A member is live while its
 * latest status says online in this group; this gateway is always a member of its own view. The status
 * handler runs on the MQTT callback thread: it parses a few fields of a tiny message and publishes a new
 * immutable member list.
 */
public final class Membership implements GroupMembership {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    private static final Pattern FIELD = Pattern.compile("\"(clientId|status|group)\"\\s*:\\s*\"([^\"]*)\"");

    private final String group;
    private final String self;
    private final Map<String, Boolean> others = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private volatile List<String> members;

    /**
     * @param group the group's name
     * @param self this gateway's client id
     */
    public Membership(String group, String self) {
        this.group = group;
        this.self = self;
        this.members = List.of(self);
    }

    @Override
    public String group() {
        return group;
    }

    @Override
    public String self() {
        return self;
    }

    @Override
    public List<String> members() {
        return members;
    }

    @Override
    public String ownerOf(String key) {
        return Rendezvous.owner(members, key);
    }

    @Override
    public long epoch() {
        return epoch.get();
    }

    /**
     * Takes a status message (MQTT callback thread; never throws).
     *
     * @param m a message from the status topics
     */
    public void onStatus(InboundMessage m) {
        String text = new String(m.payload(), StandardCharsets.UTF_8);
        String clientId = null;
        String status = "";
        String itsGroup = "";
        Matcher f = FIELD.matcher(text);
        while (f.find()) {
            switch (f.group(1)) {
                case "clientId" -> clientId = f.group(2);
                case "status" -> status = f.group(2);
                default -> itsGroup = f.group(2);
            }
        }
        if (clientId == null || clientId.equals(self)) {
            // an empty (cleared) status or this gateway's own (perhaps a will from its previous life)
            return;
        }
        update(clientId, status.equals("online") && itsGroup.equals(group));
    }

    /**
     * @param clientId a gateway
     * @param live whether it is online in this group
     */
    void update(String clientId, boolean live) {
        Boolean before = live ? others.put(clientId, Boolean.TRUE) : others.remove(clientId);
        if ((before != null) == live) {
            return;
        }
        List<String> next = new ArrayList<>(others.keySet());
        next.add(self);
        Collections.sort(next);
        members = List.copyOf(next);
        epoch.incrementAndGet();
        LOG.info("Group {}: member {} {}; live members now {}", group, clientId, live ? "joined" : "left", members);
    }
}
