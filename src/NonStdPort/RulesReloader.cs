using System.Runtime.InteropServices;
using NonStdPort.Core.Rules;

namespace NonStdPort.Cli;

/// <summary>
/// Reloads a rules file into <see cref="LiveRules"/> on SIGHUP and, when asked, when the file
/// changes. A valid file is swapped in between records; an invalid or unreadable one keeps the
/// rules in force and logs each error as <c>FILE:LINE:COL: message</c>. Every attempt is counted
/// in <see cref="LiveRules.Reloads"/>.
/// </summary>
internal sealed class RulesReloader : IDisposable
{
    private readonly LiveRules _live;
    private readonly string _path;
    private readonly TextWriter _log;
    private readonly object _gate = new();
    private readonly PosixSignalRegistration? _hangup;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _settle;

    /// <summary>How long the file must stay quiet after a change before it is read: one save raises several events, and a half-written file must not be loaded.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(300);

    /// <summary>Starts listening for SIGHUP and, with <paramref name="watch"/>, for changes to <paramref name="path"/>.</summary>
    public RulesReloader(LiveRules live, string path, bool watch, TextWriter log)
    {
        _live = live;
        _path = Path.GetFullPath(path);
        _log = log;
        _settle = new Timer(_ => Reload("file change"));
        if (!OperatingSystem.IsWindows())
        {
            _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                // Handled: the default action of SIGHUP would end the process.
                context.Cancel = true;
                ThreadPool.QueueUserWorkItem(_ => Reload("SIGHUP"));
            });
        }

        if (watch)
        {
            // The directory, not the file: editors and `mv` replace the file, which a file watch would lose.
            _watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!, Path.GetFileName(_path))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            _watcher.Changed += (_, _) => _settle.Change(SettleTime, Timeout.InfiniteTimeSpan);
            _watcher.Created += (_, _) => _settle.Change(SettleTime, Timeout.InfiniteTimeSpan);
            _watcher.Renamed += (_, _) => _settle.Change(SettleTime, Timeout.InfiniteTimeSpan);
            _watcher.EnableRaisingEvents = true;
        }
    }

    /// <summary>Loads the file now; true when its rules were swapped in.</summary>
    public bool Reload(string why)
    {
        lock (_gate)
        {
            string text;
            try
            {
                text = File.ReadAllText(_path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _live.Reject();
                _log.WriteLine($"rules reload ({why}) failed: {_path}: {e.Message}; the rules in force stay");
                return false;
            }

            RulesFileResult result = RulesFile.Parse(text);
            if (result.Rules is null)
            {
                _live.Reject();
                foreach (RulesFileError error in result.Errors)
                {
                    _log.WriteLine(error.Format(_path));
                }

                _log.WriteLine($"rules reload ({why}) failed: {_path}: {result.Errors.Count} error(s); the rules in force stay");
                return false;
            }

            bool kept = _live.Swap(result.Rules);
            _log.WriteLine(
                $"rules reloaded ({why}) from {_path}: in force from the next record; detection state " +
                (kept ? "kept (detection settings unchanged)" : "rebuilt (detection settings changed)") +
                $"; reloads {_live.Reloads.Success} ok, {_live.Reloads.Failure} failed");
            return true;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _hangup?.Dispose();
        _watcher?.Dispose();
        _settle.Dispose();
    }
}
