using System.Collections;
using Scoring.Engine.Evaluation;
using Scoring.V1;
using EngineVetoAnswer = Scoring.Engine.Evaluation.VetoAnswer;

namespace Scoring.Server.Grpc;

/// <summary>
/// A BatchEvaluate chunk as engine facts: its map-form parcels, then its columnar rows. A row's facts are made when
/// asked for and die young (a chunk's worth of them alive at once would be copied by every collection during the
/// chunk); the block's values are copied once into buffers shared by its rows, which the stream keeps from chunk to
/// chunk (<see cref="ChunkBuffers"/>), so that a chunk allocates no large array of its own. Dispose of it once the chunk
/// is evaluated, which lets go of the category keys it copied.
/// </summary>
internal sealed class ChunkFacts : Identification.IParcelChunk, IDisposable
{
    private readonly Google.Protobuf.Collections.RepeatedField<ParcelInput> _parcels;
    private readonly Google.Protobuf.Collections.RepeatedField<ParcelRow>? _rows;
    private readonly ColumnLayout? _layout;
    private readonly double[] _numbers;
    private readonly string[] _categories;
    private readonly EngineVetoAnswer[] _vetoes;
    private readonly int[] _starts; // per row: where its values, keys and answers start

    private readonly int _keys;

    /// <summary>
    /// Reads a chunk's codes against <paramref name="model"/> and copies its rows' values into <paramref name="buffers"/>:
    /// its map-form <paramref name="parcels"/>, then the rows of <paramref name="columns"/>.
    /// </summary>
    public ChunkFacts(Google.Protobuf.Collections.RepeatedField<ParcelInput> parcels, ParcelColumns? columns, Engine.Model.ScoringModel model,
        ChunkBuffers buffers)
    {
        _parcels = parcels;
        var rows = _rows = columns?.Rows;
        var count = rows?.Count ?? 0;
        _starts = ChunkBuffers.Fit(ref buffers.Starts, 3 * count + 3);
        int values = 0, keys = 0, answers = 0;
        for (var r = 0; r < count; r++)
        {
            (_starts[3 * r], _starts[3 * r + 1], _starts[3 * r + 2]) = (values, keys, answers);
            values += rows![r].Values.Count;
            keys += rows[r].Categories.Count;
            answers += rows[r].Vetoes.Count;
        }
        (_starts[3 * count], _starts[3 * count + 1], _starts[3 * count + 2]) = (values, keys, answers);
        _numbers = ChunkBuffers.Fit(ref buffers.Numbers, values);
        _categories = ChunkBuffers.Fit(ref buffers.Categories, keys);
        _vetoes = ChunkBuffers.Fit(ref buffers.Vetoes, answers);
        _keys = keys;
        for (var r = 0; r < count; r++)
        {
            var row = rows![r];
            row.Values.CopyTo(_numbers, _starts[3 * r]);
            row.Categories.CopyTo(_categories, _starts[3 * r + 1]);
            var at = _starts[3 * r + 2];
            for (var i = 0; i < row.Vetoes.Count; i++) _vetoes[at + i] = ProtoMapping.Answer(row.Vetoes[i]);
        }
        if (columns is not null) _layout = columns.Layout(model);
    }

    /// <summary>Map-form parcels and columnar rows.</summary>
    public int Count => _parcels.Count + (_rows?.Count ?? 0);

    /// <summary>The id of parcel <paramref name="index"/>, without making its facts.</summary>
    public string ParcelIdAt(int index) => index < _parcels.Count ? _parcels[index].ParcelId : _rows![index - _parcels.Count].ParcelId;

    /// <summary>The facts of parcel <paramref name="index"/> (map-form parcels first, then rows), made afresh.</summary>
    public ParcelFacts this[int index]
    {
        get
        {
            if (index < _parcels.Count) return _parcels[index].ToFacts();
            var r = index - _parcels.Count;
            var row = _rows![r];
            var (values, keys, answers) = (_starts[3 * r], _starts[3 * r + 1], _starts[3 * r + 2]);
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
                Row = new ParcelRowValues(_layout!, _numbers.AsMemory(values, _starts[3 * r + 3] - values),
                    _categories.AsMemory(keys, _starts[3 * r + 4] - keys), _vetoes.AsMemory(answers, _starts[3 * r + 5] - answers)),
            };
        }
    }

    public IEnumerator<ParcelFacts> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Lets go of the copied category keys; facts made from this chunk must not be read afterwards.</summary>
    public void Dispose() => Array.Clear(_categories, 0, _keys);
}

/// <summary>
/// The buffers a stream's chunks copy their columnar values into, one chunk after another: grown to the largest chunk
/// seen and kept for the stream, instead of a large array allocated (or rented and returned) per chunk.
/// </summary>
internal sealed class ChunkBuffers
{
    /// <summary>Per row: where its values, keys and answers start.</summary>
    public int[] Starts = [];
    /// <summary>Numeric values of every row.</summary>
    public double[] Numbers = [];
    /// <summary>Category keys of every row.</summary>
    public string[] Categories = [];
    /// <summary>Veto answers of every row.</summary>
    public EngineVetoAnswer[] Vetoes = [];

    /// <summary><paramref name="buffer"/>, grown (at least doubled) when it is shorter than <paramref name="length"/>.</summary>
    public static T[] Fit<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[Math.Max(length, 2 * buffer.Length)];
        return buffer;
    }
}
