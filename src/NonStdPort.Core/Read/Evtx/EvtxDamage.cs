namespace NonStdPort.Core.Read.Evtx;

/// <summary>Why part of an EVTX file could not be read as written.</summary>
public enum EvtxDamage : byte
{
    /// <summary>Not damaged.</summary>
    None = 0,
    /// <summary>The file header does not start with <c>ElfFile\0</c>.</summary>
    FileMagic,
    /// <summary>The file header's CRC32 does not match (the header is still used when its magic is right).</summary>
    FileHeaderChecksum,
    /// <summary>The file ends inside its 4 KiB header.</summary>
    FileHeaderTruncated,
    /// <summary>The chunk does not start with <c>ElfChnk\0</c>: the whole chunk is skipped.</summary>
    ChunkMagic,
    /// <summary>The chunk header's CRC32 does not match: records are still read, each one checked on its own.</summary>
    ChunkHeaderChecksum,
    /// <summary>The CRC32 over the chunk's records does not match: records are still read, each one checked on its own.</summary>
    RecordsChecksum,
    /// <summary>The file ends inside a chunk: the records wholly inside the part present are read.</summary>
    ChunkTruncated,
    /// <summary>The chunk's free-space offset lies outside the chunk: records are read up to the first gap.</summary>
    FreeSpaceOffset,
    /// <summary>No record signature (<c>**\0\0</c>) where a record should start: reading resumes at the next signature.</summary>
    RecordMagic,
    /// <summary>A record's size is out of range or does not match its trailing copy: reading resumes at the next signature.</summary>
    RecordSize,
    /// <summary>The record's binary XML ends early or points outside its chunk.</summary>
    BinXmlTruncated,
    /// <summary>An unknown binary XML token.</summary>
    BinXmlToken,
    /// <summary>An unknown or malformed substitution value type.</summary>
    ValueType,
    /// <summary>Elements, templates or embedded binary XML nest deeper than the limit.</summary>
    TooDeep,
    /// <summary>A template refers to itself, directly or through another template.</summary>
    TemplateRecursion,
    /// <summary>A substitution refers to an index outside the record's substitution array.</summary>
    SubstitutionIndex,
    /// <summary>The rendered record is larger than the maximum record size.</summary>
    Oversize,
    /// <summary>Templates and embedded binary XML expand into more work than any real record needs.</summary>
    TooComplex,
}

/// <summary>Messages for <see cref="EvtxDamage"/>.</summary>
public static class EvtxDamages
{
    /// <summary>A short, human-readable description.</summary>
    public static string Describe(EvtxDamage damage) => damage switch
    {
        EvtxDamage.None => "no damage",
        EvtxDamage.FileMagic => "not an EVTX file (no ElfFile signature)",
        EvtxDamage.FileHeaderChecksum => "file header checksum mismatch (header used as read)",
        EvtxDamage.FileHeaderTruncated => "file ends inside its header",
        EvtxDamage.ChunkMagic => "no ElfChnk signature: chunk skipped",
        EvtxDamage.ChunkHeaderChecksum => "chunk header checksum mismatch: records read one by one",
        EvtxDamage.RecordsChecksum => "event records checksum mismatch: records read one by one",
        EvtxDamage.ChunkTruncated => "file ends inside this chunk: the whole records present are read",
        EvtxDamage.FreeSpaceOffset => "free-space offset outside the chunk: records read up to the first gap",
        EvtxDamage.RecordMagic => "no record signature: skipped to the next one",
        EvtxDamage.RecordSize => "record size out of range or not matching its copy: skipped to the next record",
        EvtxDamage.BinXmlTruncated => "binary XML truncated or pointing outside its chunk",
        EvtxDamage.BinXmlToken => "unknown binary XML token",
        EvtxDamage.ValueType => "unknown or malformed substitution value",
        EvtxDamage.TooDeep => "binary XML nested too deeply",
        EvtxDamage.TemplateRecursion => "template refers to itself",
        EvtxDamage.SubstitutionIndex => "substitution index outside the substitution array",
        EvtxDamage.Oversize => "rendered record larger than the maximum record size",
        EvtxDamage.TooComplex => "binary XML expands beyond the work limit",
        _ => damage.ToString(),
    };
}
