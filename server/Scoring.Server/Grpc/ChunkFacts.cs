using System.Buffers;
using System.Collections;
using Scoring.Engine.Evaluation;
using Scoring.V1;
using EngineVetoAnswer = Scoring.Engine.Evaluation.VetoAnswer;

namespace Scoring.Server.Grpc;

/// <summary>
/// A BatchEvaluate chunk as engine facts: its map-form parcels, then its columnar rows. A row's facts are made when
/// asked for and die young (a chunk's worth of them alive at once would be copied by every collection during the
/// chunk); the block's values are copied once into buffers shared by its rows, rented so that they never land on the
/// large-object heap. Dispose of it once the chunk is evaluated, which gives the buffers back.
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

    /// <summary>Reads <paramref name="chunk"/>'s codes against <paramref name="model"/> and copies its rows' values.</summary>
    public ChunkFacts(BatchEvaluateRequest chunk, Engine.Model.ScoringModel model)
    {
        _parcels = chunk.Parcels;
        var rows = _rows = chunk.Columns?.Rows;
        var count = rows?.Count ?? 0;
        _starts = ArrayPool<int>.Shared.Rent(3 * count + 3);
        int values = 0, keys = 0, answers = 0;
        for (var r = 0; r < count; r++)
        {
            (_starts[3 * r], _starts[3 * r + 1], _starts[3 * r + 2]) = (values, keys, answers);
            values += rows![r].Values.Count;
            keys += rows[r].Categories.Count;
            answers += rows[r].Vetoes.Count;
        }
        (_starts[3 * count], _starts[3 * count + 1], _starts[3 * count + 2]) = (values, keys, answers);
        _numbers = ArrayPool<double>.Shared.Rent(values);
        _categories = ArrayPool<string>.Shared.Rent(keys);
        _vetoes = ArrayPool<EngineVetoAnswer>.Shared.Rent(answers);
        for (var r = 0; r < count; r++)
        {
            var row = rows![r];
            row.Values.CopyTo(_numbers, _starts[3 * r]);
            row.Categories.CopyTo(_categories, _starts[3 * r + 1]);
            var at = _starts[3 * r + 2];
            for (var i = 0; i < row.Vetoes.Count; i++) _vetoes[at + i] = ProtoMapping.Answer(row.Vetoes[i]);
        }
        if (chunk.Columns is { } columns) _layout = columns.Layout(model);
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

    /// <summary>Gives the buffers back; facts made from this chunk must not be read afterwards.</summary>
    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(_starts);
        ArrayPool<double>.Shared.Return(_numbers);
        ArrayPool<string>.Shared.Return(_categories, clearArray: true);
        ArrayPool<EngineVetoAnswer>.Shared.Return(_vetoes);
    }
}
