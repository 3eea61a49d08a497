using System.Collections;
using Scoring.Engine.Evaluation;
using Scoring.V1;
using EngineVetoAnswer = Scoring.Engine.Evaluation.VetoAnswer;

namespace Scoring.Server.Grpc;

/// <summary>
/// A BatchEvaluate chunk as engine facts: its map-form parcels, then its columnar rows. A row's facts are made when
/// asked for and die young (a chunk's worth of them alive at once would be copied by every collection during the
/// chunk). A row's values are copied when its facts are made, into buffers the stream keeps from row to row and chunk
/// to chunk (<see cref="ChunkBuffers"/>): so a chunk allocates no array of its own, and a row is read while its values
/// are still in the CPU's caches, with no pass over the whole chunk before the first row is scored. The facts of a
/// row are therefore valid only until the next row's are made. Dispose of it once the chunk is evaluated, which lets
/// go of the category keys it copied.
/// </summary>
internal sealed class ChunkFacts : Identification.IParcelChunk, IDisposable
{
    private readonly Google.Protobuf.Collections.RepeatedField<ParcelInput> _parcels;
    private readonly Google.Protobuf.Collections.RepeatedField<ParcelRow>? _rows;
    private readonly ColumnLayout? _layout;
    private readonly ChunkBuffers _buffers;
    private int _keys; // the most category keys a row of this chunk has copied

    /// <summary>
    /// Reads a chunk's codes against <paramref name="model"/>: its map-form <paramref name="parcels"/>, then the rows of
    /// <paramref name="columns"/>, whose values are copied into <paramref name="buffers"/> one row at a time.
    /// </summary>
    public ChunkFacts(Google.Protobuf.Collections.RepeatedField<ParcelInput> parcels, ParcelColumns? columns, Engine.Model.ScoringModel model,
        ChunkBuffers buffers)
    {
        _parcels = parcels;
        _rows = columns?.Rows;
        _buffers = buffers;
        if (columns is not null) _layout = columns.Layout(model);
    }

    /// <summary>Map-form parcels and columnar rows.</summary>
    public int Count => _parcels.Count + (_rows?.Count ?? 0);

    /// <summary>The id of parcel <paramref name="index"/>, without making its facts.</summary>
    public string ParcelIdAt(int index) => index < _parcels.Count ? _parcels[index].ParcelId : _rows![index - _parcels.Count].ParcelId;

    /// <summary>
    /// The facts of parcel <paramref name="index"/> (map-form parcels first, then rows), made afresh; a row's are valid
    /// until the next row's are made.
    /// </summary>
    public ParcelFacts this[int index]
    {
        get
        {
            if (index < _parcels.Count) return _parcels[index].ToFacts();
            var row = _rows![index - _parcels.Count];
            var numbers = ChunkBuffers.Fit(ref _buffers.Numbers, row.Values.Count);
            var categories = ChunkBuffers.Fit(ref _buffers.Categories, row.Categories.Count);
            var vetoes = ChunkBuffers.Fit(ref _buffers.Vetoes, row.Vetoes.Count);
            row.Values.CopyTo(numbers, 0);
            row.Categories.CopyTo(categories, 0);
            _keys = Math.Max(_keys, row.Categories.Count);
            for (var i = 0; i < row.Vetoes.Count; i++) vetoes[i] = ProtoMapping.Answer(row.Vetoes[i]);
            return new ParcelFacts
            {
                ParcelId = row.ParcelId,
                Level = (int)row.Level,
                AreaMu = row.AreaMu,
                IndustryCode = row.IndustryCode,
                UnitId = row.UnitId,
                Street = row.Street,
                InsideDevelopmentBoundary = row.HasInsideDevelopmentBoundary ? row.InsideDevelopmentBoundary : null,
                InEcologicalRedLine = row.HasInEcologicalRedLine ? row.InEcologicalRedLine : null,
                RedevelopmentUnderway = row.HasRedevelopmentUnderway ? row.RedevelopmentUnderway : null,
                LocallyReported = row.HasLocallyReported ? row.LocallyReported : null,
                Geometry = row.Geometry.Length == 0 ? null : row.Geometry,
                Crs = row.Crs.Length == 0 ? null : row.Crs,
                Row = new ParcelRowValues(_layout!, numbers.AsMemory(0, row.Values.Count), categories.AsMemory(0, row.Categories.Count),
                    vetoes.AsMemory(0, row.Vetoes.Count)),
            };
        }
    }

    public IEnumerator<ParcelFacts> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Lets go of the copied category keys; facts made from this chunk must not be read afterwards.</summary>
    public void Dispose() => Array.Clear(_buffers.Categories, 0, _keys);
}

/// <summary>
/// The buffers a stream's columnar rows copy their values into, one row after another: grown to the longest row seen
/// and kept for the stream, instead of arrays allocated for every row.
/// </summary>
internal sealed class ChunkBuffers
{
    /// <summary>Numeric values of the row being read.</summary>
    public double[] Numbers = [];
    /// <summary>Category keys of the row being read.</summary>
    public string[] Categories = [];
    /// <summary>Veto answers of the row being read.</summary>
    public EngineVetoAnswer[] Vetoes = [];

    /// <summary><paramref name="buffer"/>, grown (at least doubled) when it is shorter than <paramref name="length"/>.</summary>
    public static T[] Fit<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[Math.Max(length, 2 * buffer.Length)];
        return buffer;
    }
}
