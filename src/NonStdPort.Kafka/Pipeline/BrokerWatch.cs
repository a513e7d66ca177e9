using System.Globalization;
using Confluent.Kafka;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// Fails the pipeline when no broker has answered for <see cref="PipelineOptions.ConnectTimeout"/>.
/// librdkafka retries an unreachable cluster forever, so without this a wrong address or a dead
/// cluster means a process that logs and never exits. A metadata query with its own client asks
/// the cluster about once a second; every answer resets the clock, and the client's error
/// callback keeps the last reason (connection refused, name not resolved, TLS) for the message.
/// </summary>
internal sealed class BrokerWatch : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly PipelineOptions _options;
    private readonly Action<string> _fail;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _task;
    private string? _lastError;

    /// <summary><see cref="Environment.TickCount64"/> of the last metadata answer, 0 before the first.</summary>
    public long LastAnswer { get => Volatile.Read(ref _lastAnswer); private set => Volatile.Write(ref _lastAnswer, value); }

    private long _lastAnswer;

    public BrokerWatch(PipelineOptions options, ClientConfig config, Action<string> log, Action<string> fail)
    {
        _options = options;
        _fail = fail;
        var admin = new AdminClientBuilder(new AdminClientConfig(config))
            .SetErrorHandler((_, error) => Volatile.Write(ref _lastError, error.Reason))
            .SetLogHandler(KafkaLog.To(log))
            .Build();
        _task = Task.Run(() => Watch(admin));
    }

    /// <summary>The message the pipeline fails with.</summary>
    internal static string Unreachable(string servers, TimeSpan timeout, string reason) =>
        string.Create(CultureInfo.InvariantCulture, $"cannot reach the Kafka brokers at {servers} for {timeout.TotalSeconds:0.#} s: {reason}");

    public void Dispose()
    {
        _stop.Cancel();
        // The watch's client belongs to its task, which disposes it after its current query.
    }

    private void Watch(IAdminClient admin)
    {
        using (admin)
        {
            var probe = _options.ConnectTimeout < TimeSpan.FromSeconds(5) ? _options.ConnectTimeout : TimeSpan.FromSeconds(5);
            var deadline = DateTime.UtcNow + _options.ConnectTimeout;
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    if (admin.GetMetadata(probe).Brokers.Count > 0)
                    {
                        LastAnswer = Environment.TickCount64;
                        deadline = DateTime.UtcNow + _options.ConnectTimeout;
                        Volatile.Write(ref _lastError, null);
                    }
                }
                catch (KafkaException e)
                {
                    if (Volatile.Read(ref _lastError) is null)
                    {
                        Volatile.Write(ref _lastError, e.Error.Reason);
                    }
                }

                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                if (DateTime.UtcNow >= deadline)
                {
                    _fail(Unreachable(_options.BootstrapServers ?? "", _options.ConnectTimeout, Volatile.Read(ref _lastError) ?? "no answer"));
                    return;
                }

                _stop.Token.WaitHandle.WaitOne(Interval);
            }
        }
    }
}
