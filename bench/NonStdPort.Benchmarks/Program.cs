using BenchmarkDotNet.Running;
using NonStdPort.Benchmarks.Kafka;

if (args.Length > 0 && args[0] == "kafka-throughput")
{
    return KafkaThroughput.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
