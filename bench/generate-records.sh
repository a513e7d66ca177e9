#!/usr/bin/env bash
# Writes N realistic flat Sysmon JSON records (NXLog style, about 1 KB each) for throughput runs of
# `nonstdport score --stats`. The mix follows what a busy Windows/Linux fleet sends: mostly benign
# outbound connections on 80/443, internal and inbound traffic, other Sysmon event ids, and a few
# percent of alerting connections (score 3, 2 and 1). The output is deterministic for a given seed.
#
#   bench/generate-records.sh 1000000 big.ndjson          # 1,000,000 records, about 1 GB
#   bench/generate-records.sh 1000000 - | gzip > big.ndjson.gz
#   SEED=7 bench/generate-records.sh 10000 small.ndjson
set -euo pipefail

usage() { echo "usage: $0 COUNT OUTPUT|-   (env SEED, default 1571)" >&2; exit 2; }
[ $# -eq 2 ] || usage
count=$1; output=$2
[[ "$count" =~ ^[0-9]+$ ]] || usage

generate() {
  awk -v count="$count" -v seed="${SEED:-1571}" '
  function pick(list,    n, parts) { n = split(list, parts, " "); return parts[int(rand() * n) + 1] }
  function public_ip() { return pick("23 31 45 52 62 77 89 91 104 142 151 185 193 212") "." int(rand()*254+1) "." int(rand()*254) "." int(rand()*254+1) }
  function internal_ip() { return pick("10.20.4 10.20.0 10.30.0 192.168.1 172.16.8") "." int(rand()*254+1) }
  function guid(    h) { h = sprintf("%08X-%04X-%04X-%04X-%04X%08X", rand()*4294967295, rand()*65535, rand()*65535, rand()*65535, rand()*65535, rand()*4294967295); return "{" h "}" }
  function stamp(t,    s, ms) { s = int(t); ms = int((t - s) * 1000); return strftime("%Y-%m-%d %H:%M:%S", s, 1) sprintf(".%03d", ms) }
  function record(eid, host, image, user, initiated, sip, sport, dip, dport, t, linux,    prov, chan, cat, data) {
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
    printf "{\"EventTime\":\"%s\",\"Hostname\":\"%s\",\"Keywords\":-9223372036854775808,\"EventType\":\"INFO\",\"SeverityValue\":2,\"Severity\":\"INFO\",\"EventID\":%d,\"SourceName\":\"%s\",\"ProviderGuid\":\"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}\",\"Version\":5,\"Task\":%d,\"OpcodeValue\":0,\"RecordNumber\":%d,\"ProcessID\":3112,\"ThreadID\":4020,\"Channel\":\"%s\",\"Domain\":\"NT AUTHORITY\",\"AccountName\":\"SYSTEM\",\"UserID\":\"S-1-5-18\",\"AccountType\":\"User\",\"Category\":\"%s\",\"Opcode\":\"Info\",\"RuleName\":\"-\",\"UtcTime\":\"%s\",\"ProcessGuid\":\"%s\",\"ProcessId\":\"%d\",\"Image\":\"%s\",\"User\":\"%s\",%s,\"EventReceivedTime\":\"%s\",\"SourceModuleName\":\"sysmon\",\"SourceModuleType\":\"im_msvistalog\"}\n", \
      strftime("%Y-%m-%d %H:%M:%S", int(t) + 1, 1), host, eid, prov, eid, NR_OUT, chan, cat, stamp(t), guid(), int(rand()*30000+400), image, user, data, strftime("%Y-%m-%d %H:%M:%S", int(t) + 2, 1)
  }
  BEGIN {
    srand(seed)
    t = 1795770000.0   # 2026-11-27 09:00:00 UTC
    win_benign = "C:\\\\Program Files\\\\Google\\\\Chrome\\\\Application\\\\chrome.exe|C:\\\\Windows\\\\System32\\\\svchost.exe|C:\\\\Program Files (x86)\\\\Microsoft\\\\Edge\\\\Application\\\\msedge.exe|C:\\\\Program Files\\\\Microsoft Office\\\\root\\\\Office16\\\\OUTLOOK.EXE|C:\\\\Windows\\\\System32\\\\backgroundTaskHost.exe|C:\\\\Program Files\\\\Microsoft OneDrive\\\\OneDrive.exe"
    nb = split(win_benign, benign, "|")
    win_risky = "C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe|C:\\\\Windows\\\\System32\\\\rundll32.exe|C:\\\\Windows\\\\System32\\\\mshta.exe|C:\\\\Windows\\\\System32\\\\cmd.exe|C:\\\\Windows\\\\System32\\\\certutil.exe"
    nr = split(win_risky, risky, "|")
    for (NR_OUT = 1; NR_OUT <= count; NR_OUT++) {
      t += rand() * 0.02
      host = sprintf("WKS-%04d.corp.example.com", int(rand() * 2000))
      r = rand() * 1000
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
