#!/usr/bin/env bash
# Writes N realistic Sysmon records for throughput runs of `nonstdport score --stats` and the
# BenchmarkDotNet suites. The mix follows what a busy Windows/Linux fleet sends: mostly benign
# outbound connections on 80/443, internal and inbound traffic, other Sysmon event ids, and a few
# percent of alerting connections (score 3, 2 and 1). The output is deterministic for a given seed.
#
#   bench/generate-records.sh 1000000 big.ndjson          # 1,000,000 flat records, about 1.1 GB, 3 % alerts
#   bench/generate-records.sh 1000000 - | gzip > big.ndjson.gz
#   SEED=7 bench/generate-records.sh 10000 small.ndjson
#   ENVELOPE=winlogbeat ALERT_PERCENT=35 bench/generate-records.sh 100000 wlb.ndjson
#
# ENVELOPE: flat (NXLog-style flat Sysmon JSON, about 1.2 KB a record; the default), winlogbeat
# (Winlogbeat 8: ECS fields and winlog.event_data, about 2.4 KB), winlogbeat6 (about 1.5 KB) or xml
# (Windows event XML, one event per line, about 1.6 KB).
# ALERT_PERCENT: the share of alerting connections, 0-100 (default 3; the benign share keeps its mix).
set -euo pipefail

usage() { echo "usage: $0 COUNT OUTPUT|-   (env SEED, default 1571; ENVELOPE flat|winlogbeat|winlogbeat6|xml; ALERT_PERCENT, default 3)" >&2; exit 2; }
[ $# -eq 2 ] || usage
count=$1; output=$2
envelope=${ENVELOPE:-flat}
alert_percent=${ALERT_PERCENT:-3}
[[ "$count" =~ ^[0-9]+$ ]] || usage
[[ "$alert_percent" =~ ^[0-9]+([.][0-9]+)?$ ]] && awk -v a="$alert_percent" 'BEGIN { exit !(a <= 100) }' || usage
case "$envelope" in flat|winlogbeat|winlogbeat6|xml) ;; *) usage ;; esac

generate() {
  awk -v count="$count" -v seed="${SEED:-1571}" -v envelope="$envelope" -v alert_percent="$alert_percent" '
  function pick(list,    n, parts) { n = split(list, parts, " "); return parts[int(rand() * n) + 1] }
  function public_ip() { return pick("23 31 45 52 62 77 89 91 104 142 151 185 193 212") "." int(rand()*254+1) "." int(rand()*254) "." int(rand()*254+1) }
  function internal_ip() { return pick("10.20.4 10.20.0 10.30.0 192.168.1 172.16.8") "." int(rand()*254+1) }
  function guid(    h) { h = sprintf("%08X-%04X-%04X-%04X-%04X%08X", rand()*4294967295, rand()*65535, rand()*65535, rand()*65535, rand()*65535, rand()*4294967295); return "{" h "}" }
  function stamp(t,    s, ms) { s = int(t); ms = int((t - s) * 1000); return strftime("%Y-%m-%d %H:%M:%S", s, 1) sprintf(".%03d", ms) }
  function record(eid, host, image, user, initiated, sip, sport, dip, dport, t, linux,    prov, chan, cat, data, utc, pguid, pid, n, i, items, kv, keys, vals, created, event_data, message, ecs) {
    prov = linux ? "Linux-Sysmon" : "Microsoft-Windows-Sysmon"
    chan = prov "/Operational"
    cat = eid == 3 ? "Network connection detected (rule: NetworkConnect)" : (eid == 1 ? "Process Create (rule: ProcessCreate)" : (eid == 22 ? "Dns query (rule: DnsQuery)" : "Registry value set (rule: RegistryEvent)"))
    if (eid == 3) {
      data = sprintf("\"Protocol\":\"tcp\",\"Initiated\":\"%s\",\"SourceIsIpv6\":\"false\",\"SourceIp\":\"%s\",\"SourceHostname\":\"-\",\"SourcePort\":\"%d\",\"SourcePortName\":\"-\",\"DestinationIsIpv6\":\"false\",\"DestinationIp\":\"%s\",\"DestinationHostname\":\"-\",\"DestinationPort\":\"%d\",\"DestinationPortName\":\"-\"", initiated, sip, sport, dip, dport)
    } else if (eid == 1) {
      data = sprintf("\"FileVersion\":\"10.0.19041.1\",\"Description\":\"-\",\"Product\":\"-\",\"Company\":\"-\",\"CommandLine\":\"%s --type=renderer --lang=en-US\",\"CurrentDirectory\":\"C:\\\\Windows\\\\system32\\\\\",\"LogonId\":\"0x3e7\",\"IntegrityLevel\":\"Medium\",\"ParentImage\":\"C:\\\\Windows\\\\explorer.exe\"", image)
    } else if (eid == 22) {
      data = sprintf("\"QueryName\":\"cdn%d.example.net\",\"QueryStatus\":\"0\",\"QueryResults\":\"type:  5 edge.example.net;%s;\"", int(rand()*90), public_ip())
    } else {
      data = "\"EventType\":\"SetValue\",\"TargetObject\":\"HKU\\\\S-1-5-21-1004336348-1177238915-682003330-1001\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Explorer\\\\RecentDocs\",\"Details\":\"Binary Data\""
    }
    # Every random value is drawn before rendering, in one order for every envelope, so that the
    # same seed gives the same events (and the same alerts) whatever the envelope.
    utc = stamp(t); pguid = guid(); pid = int(rand()*30000+400)
    if (envelope == "flat") {
      printf "{\"EventTime\":\"%s\",\"Hostname\":\"%s\",\"Keywords\":-9223372036854775808,\"EventType\":\"INFO\",\"SeverityValue\":2,\"Severity\":\"INFO\",\"EventID\":%d,\"SourceName\":\"%s\",\"ProviderGuid\":\"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}\",\"Version\":5,\"Task\":%d,\"OpcodeValue\":0,\"RecordNumber\":%d,\"ProcessID\":3112,\"ThreadID\":4020,\"Channel\":\"%s\",\"Domain\":\"NT AUTHORITY\",\"AccountName\":\"SYSTEM\",\"UserID\":\"S-1-5-18\",\"AccountType\":\"User\",\"Category\":\"%s\",\"Opcode\":\"Info\",\"RuleName\":\"-\",\"UtcTime\":\"%s\",\"ProcessGuid\":\"%s\",\"ProcessId\":\"%d\",\"Image\":\"%s\",\"User\":\"%s\",%s,\"EventReceivedTime\":\"%s\",\"SourceModuleName\":\"sysmon\",\"SourceModuleType\":\"im_msvistalog\"}\n", \
        strftime("%Y-%m-%d %H:%M:%S", int(t) + 1, 1), host, eid, prov, eid, NR_OUT, chan, cat, utc, pguid, pid, image, user, data, strftime("%Y-%m-%d %H:%M:%S", int(t) + 2, 1)
      return
    }
    # The other envelopes carry the same event data: RuleName, UtcTime, ProcessGuid, ProcessId, Image, User, then the event'"'"'s own fields.
    n = split(substr(data, 2, length(data) - 2), items, "\",\"")
    keys[1] = "RuleName"; vals[1] = "-"; keys[2] = "UtcTime"; vals[2] = utc; keys[3] = "ProcessGuid"; vals[3] = pguid
    keys[4] = "ProcessId"; vals[4] = pid; keys[5] = "Image"; vals[5] = image; keys[6] = "User"; vals[6] = user
    for (i = 1; i <= n; i++) { split(items[i], kv, "\":\""); keys[i + 6] = kv[1]; vals[i + 6] = kv[2] }
    n += 6
    created = strftime("%Y-%m-%dT%H:%M:%S", int(t) + 1, 1) sprintf(".%03dZ", int((t - int(t)) * 1000))
    if (envelope == "xml") {
      printf "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><Provider Name=\"%s\" Guid=\"{5770385f-c22a-43e0-bf4c-06f5698ffbd9}\"/><EventID>%d</EventID><Version>5</Version><Level>4</Level><Task>%d</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime=\"%s\"/><EventRecordID>%d</EventRecordID><Correlation/><Execution ProcessID=\"3112\" ThreadID=\"4020\"/><Channel>%s</Channel><Computer>%s</Computer><Security UserID=\"S-1-5-18\"/></System><EventData>", prov, eid, eid, created, NR_OUT, chan, host
      for (i = 1; i <= n; i++) printf "<Data Name=\"%s\">%s</Data>", keys[i], xml_text(vals[i])
      printf "</EventData><RenderingInfo Culture=\"en-US\"><Level>Information</Level><Task>%s</Task><Channel>%s</Channel></RenderingInfo></Event>\n", cat, chan
      return
    }
    event_data = ""
    message = cat ":"
    for (i = 1; i <= n; i++) {
      event_data = event_data (i > 1 ? "," : "") "\"" keys[i] "\":\"" vals[i] "\""
      message = message "\\n" keys[i] ": " vals[i]
    }
    if (envelope == "winlogbeat6") {
      printf "{\"@timestamp\":\"%s\",\"@metadata\":{\"beat\":\"winlogbeat\",\"type\":\"doc\",\"version\":\"6.8.23\"},\"beat\":{\"hostname\":\"WEC02\",\"name\":\"WEC02\",\"version\":\"6.8.23\"},\"computer_name\":\"%s\",\"event_data\":{%s},\"event_id\":%d,\"host\":{\"name\":\"WEC02\"},\"level\":\"Information\",\"log_name\":\"%s\",\"message\":\"%s\",\"opcode\":\"Info\",\"process_id\":3112,\"provider_guid\":\"{5770385f-c22a-43e0-bf4c-06f5698ffbd9}\",\"record_number\":\"%d\",\"source_name\":\"%s\",\"task\":\"%s\",\"thread_id\":4020,\"type\":\"wineventlog\",\"user\":{\"domain\":\"NT AUTHORITY\",\"identifier\":\"S-1-5-18\",\"name\":\"SYSTEM\",\"type\":\"User\"},\"version\":5}\n", \
        created, host, event_data, eid, chan, message, NR_OUT, prov, cat
      return
    }
    # Winlogbeat 8: ECS fields beside winlog.event_data (connections carry destination/source/network too).
    ecs = sprintf("\"process\":{\"entity_id\":\"%s\",\"executable\":\"%s\",\"name\":\"%s\",\"pid\":%d},\"user\":{\"name\":\"%s\"}", pguid, image, base_name(image), pid, user)
    if (eid == 3) {
      ecs = ecs sprintf(",\"destination\":{\"domain\":\"-\",\"ip\":\"%s\",\"port\":%d},\"source\":{\"domain\":\"-\",\"ip\":\"%s\",\"port\":%d},\"network\":{\"direction\":\"%s\",\"protocol\":\"-\",\"transport\":\"tcp\",\"type\":\"ipv4\"}", dip, dport, sip, sport, initiated == "true" ? "egress" : "ingress")
    }
    printf "{\"@timestamp\":\"%s\",\"agent\":{\"ephemeral_id\":\"3c0f6a0e-55b1-4d6c-9a0e-4f4b8f0e2c71\",\"id\":\"0b4d7a4e-1f2b-4a5e-8d1c-2b7e9f3a6c10\",\"name\":\"%s\",\"type\":\"winlogbeat\",\"version\":\"8.13.2\"},\"ecs\":{\"version\":\"8.0.0\"},\"event\":{\"category\":[\"%s\"],\"code\":\"%d\",\"created\":\"%s\",\"kind\":\"event\",\"module\":\"sysmon\",\"provider\":\"%s\",\"type\":[\"info\"]},\"host\":{\"architecture\":\"x86_64\",\"hostname\":\"%s\",\"name\":\"%s\"},\"log\":{\"level\":\"information\"},\"message\":\"%s\",%s,\"winlog\":{\"api\":\"wineventlog\",\"channel\":\"%s\",\"computer_name\":\"%s\",\"event_data\":{%s},\"event_id\":\"%d\",\"opcode\":\"Info\",\"process\":{\"pid\":3112,\"thread\":{\"id\":4020}},\"provider_guid\":\"{5770385f-c22a-43e0-bf4c-06f5698ffbd9}\",\"provider_name\":\"%s\",\"record_id\":\"%d\",\"task\":\"%s\",\"user\":{\"domain\":\"NT AUTHORITY\",\"identifier\":\"S-1-5-18\",\"name\":\"SYSTEM\",\"type\":\"User\"},\"version\":5}}\n", \
      created, host, eid == 3 ? "network" : "process", eid, created, prov, tolower(host), tolower(host), message, ecs, chan, host, event_data, eid, prov, NR_OUT, cat
  }
  # JSON-escaped text (as the generator writes it) as XML character data.
  function xml_text(v) { gsub(/\\\\/, "\\", v); gsub(/&/, "\\&amp;", v); gsub(/</, "\\&lt;", v); gsub(/>/, "\\&gt;", v); return v }
  function base_name(path,    parts, n) { n = split(path, parts, /\\\\|\//); return parts[n] }
  BEGIN {
    srand(seed)
    t = 1795770000.0   # 2026-11-27 09:00:00 UTC
    win_benign = "C:\\\\Program Files\\\\Google\\\\Chrome\\\\Application\\\\chrome.exe|C:\\\\Windows\\\\System32\\\\svchost.exe|C:\\\\Program Files (x86)\\\\Microsoft\\\\Edge\\\\Application\\\\msedge.exe|C:\\\\Program Files\\\\Microsoft Office\\\\root\\\\Office16\\\\OUTLOOK.EXE|C:\\\\Windows\\\\System32\\\\backgroundTaskHost.exe|C:\\\\Program Files\\\\Microsoft OneDrive\\\\OneDrive.exe"
    nb = split(win_benign, benign, "|")
    win_risky = "C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe|C:\\\\Windows\\\\System32\\\\rundll32.exe|C:\\\\Windows\\\\System32\\\\mshta.exe|C:\\\\Windows\\\\System32\\\\cmd.exe|C:\\\\Windows\\\\System32\\\\certutil.exe"
    nr = split(win_risky, risky, "|")
    benign_cut = 1000 - alert_percent * 10
    for (NR_OUT = 1; NR_OUT <= count; NR_OUT++) {
      t += rand() * 0.02
      host = sprintf("WKS-%04d.corp.example.com", int(rand() * 2000))
      r = rand() * 1000
      # The mix below has 970 benign parts in 1000 (3 % alerts); other rates rescale both sides.
      r = r < benign_cut ? r * 970 / benign_cut : 970 + (r - benign_cut) * 30 / (1000 - benign_cut)
      if (r < 620)      record(3, host, benign[int(rand()*nb)+1], "CORP\\\\user" int(rand()*900), "true", "10.20.4." int(rand()*254+1), int(rand()*15000+49152), public_ip(), pick("443 443 443 80 53"), t, 0)
      else if (r < 760) record(3, host, benign[int(rand()*nb)+1], "NT AUTHORITY\\\\SYSTEM", "true", "10.20.4." int(rand()*254+1), int(rand()*15000+49152), internal_ip(), pick("445 389 88 135 5985 4444"), t, 0)
      else if (r < 820) record(3, host, "C:\\\\Windows\\\\System32\\\\svchost.exe", "NT AUTHORITY\\\\NETWORK SERVICE", "false", public_ip(), int(rand()*15000+49152), "10.20.4." int(rand()*254+1), pick("3389 445 5985"), t, 0)
      else if (r < 850) record(3, "web-" int(rand()*40) , pick("/usr/bin/curl /usr/sbin/nginx /usr/bin/python3.11 /usr/lib/systemd/systemd-resolved"), pick("root www-data systemd-resolve"), "true", "10.30.0." int(rand()*254+1), int(rand()*15000+32768), public_ip(), pick("443 80 53"), t, 1)
      else if (r < 970) record(pick("1 22 13 13"), host, benign[int(rand()*nb)+1], "CORP\\\\user" int(rand()*900), "", "", 0, "", 0, t, 0)
      else if (r < 985) record(3, host, risky[int(rand()*nr)+1], "CORP\\\\user" int(rand()*900), "true", "10.20.4." int(rand()*254+1), int(rand()*15000+49152), public_ip(), pick("4444 1337 8888 9001 4443 6667"), t, 0)
      else if (r < 992) record(3, host, risky[int(rand()*nr)+1], "CORP\\\\user" int(rand()*900), "true", "10.20.4." int(rand()*254+1), int(rand()*15000+49152), public_ip(), int(rand()*20000+20000), t, 0)
      else if (r < 996) record(3, host, "C:\\\\Users\\\\Public\\\\update.exe", "CORP\\\\user" int(rand()*900), "true", "10.20.4." int(rand()*254+1), int(rand()*15000+49152), public_ip(), pick("8088 2083 7777"), t, 0)
      else              record(3, "web-" int(rand()*40), pick("/usr/bin/bash /usr/bin/nc /usr/bin/python3"), "www-data", "true", "10.30.0." int(rand()*254+1), int(rand()*15000+32768), public_ip(), pick("1337 4444 31337"), t, 1)
    }
  }'
}

if [ "$output" = "-" ]; then
  generate
else
  generate > "$output"
  echo "wrote $count records to $output ($(du -h "$output" | cut -f1))" >&2
fi
