using EdgeAttention.Cli;
using EdgeAttention.Format;
using EdgeAttention.Host.Audio;
using EdgeAttention.Host.Cli;

namespace EdgeAttention.Host.Sources;

/// <summary>Builds the audio sources <c>wav:clip.wav[,realtime]</c> and <c>pcm:-[,rate=16000]</c> for a model with a front end.</summary>
internal static class AudioSources
{
    public static ISource Create(SourceSpec spec, FrontendConfig? frontend, Stream stdin)
    {
        if (frontend is null)
        {
            throw new HostException($"source '{spec.Text}' is audio but the model has no audio front end (no 'frontend' in its config); use a model converted with a frontend block, or a frame source", ExitCodes.Input);
        }

        if (spec.Kind == "wav")
        {
            bool realtime = spec.Flag("realtime");
            if (!File.Exists(spec.Target))
            {
                throw new HostException($"WAV file {spec.Target} not found; pass --source wav:<path to a PCM16 WAV>", ExitCodes.Input);
            }

            return new WavSource(spec.Target, AudioInput.ReadSamples(frontend, spec.Target), frontend, realtime);
        }

        if (spec.Target != "-")
        {
            throw new HostException($"source '{spec.Text}': pcm reads standard input only; use pcm:- and pipe raw S16_LE samples in (e.g. arecord -f S16_LE -r {frontend.SampleRate} -c 1 -t raw | ...)");
        }

        int rate = spec.Int("rate", frontend.SampleRate, 1, 1_000_000);
        if (rate != frontend.SampleRate)
        {
            throw new HostException($"source '{spec.Text}': the model's front end takes {frontend.SampleRate} Hz but rate={rate}; record at its rate (arecord -D plughw:CARD,DEV -f S16_LE -r {frontend.SampleRate} -c 1 -t raw) or resample (sox -t raw -r {rate} -e signed -b 16 -c 1 - -t raw -r {frontend.SampleRate} -)");
        }

        return new PcmSource(stdin, frontend);
    }
}
