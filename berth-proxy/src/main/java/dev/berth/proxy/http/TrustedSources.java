package dev.berth.proxy.http;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Peers whose connections start with a PROXY protocol header (a load balancer in front of the
 * proxy): addresses and CIDR blocks, IPv4 or IPv6, as literals only (a name would need DNS to
 * decide whom to trust).
 */
public final class TrustedSources {
    public static final TrustedSources NONE = new TrustedSources(List.of(), List.of());

    private final List<String> text;
    private final List<IpSubnetFilterRule> rules;

    private TrustedSources(List<String> text, List<IpSubnetFilterRule> rules) {
        this.text = List.copyOf(text);
        this.rules = List.copyOf(rules);
    }

    /**
     * @param entries {@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code fd00::/8} ...
     * @throws IllegalArgumentException naming the entry that is not an address or CIDR block
     */
    public static TrustedSources parse(List<String> entries) {
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String entry : entries) {
            String e = entry.strip();
            int slash = e.indexOf('/');
            String ip = slash < 0 ? e : e.substring(0, slash);
            byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip);
            if (bytes == null) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR block (e.g. 10.0.0.0/8)");
            }
            int max = bytes.length * 8;
            int prefix;
            try {
                prefix = slash < 0 ? max : Integer.parseInt(e.substring(slash + 1));
            } catch (NumberFormatException ex) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("'" + entry + "': the prefix length must be 0 to " + max);
            }
            try {
                rules.add(new IpSubnetFilterRule(InetAddress.getByAddress(bytes), prefix, IpFilterRuleType.ACCEPT));
            } catch (UnknownHostException impossible) {
                throw new IllegalArgumentException("'" + entry + "': " + impossible.getMessage(), impossible);
            }
        }
        return new TrustedSources(entries.stream().map(String::strip).toList(), rules);
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    public boolean trusts(SocketAddress peer) {
        if (peer instanceof InetSocketAddress address) {
            for (IpSubnetFilterRule r : rules) {
                if (r.matches(address)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedSources t && t.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return String.join(",", text);
    }
}
